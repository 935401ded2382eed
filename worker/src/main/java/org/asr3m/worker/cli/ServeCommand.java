package org.asr3m.worker.cli;

import java.util.concurrent.Callable;
import org.asr3m.worker.job.WorkerLoop;
import org.springframework.stereotype.Component;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Claim queued runs from the database and execute them, until stopped (SIGTERM hands the",
        "running run back; another worker resumes it from its last checkpoint).",
        "Configure with Spring properties, e.g. --spring.datasource.url=jdbc:postgresql://db/asr3m",
        "--asr3m.artifacts.type=s3 --asr3m.artifacts.s3.endpoint=http://minio:9000"})
@Component
class ServeCommand implements Callable<Integer> {
  private final WorkerLoop loop;

  @Option(names = "--max-runs", defaultValue = "0", description = "Exit after this many runs (0 = never).")
  int maxRuns;

  ServeCommand(WorkerLoop loop) {
    this.loop = loop;
  }

  @Override
  public Integer call() throws Exception {
    loop.serve(maxRuns);
    return 0;
  }
}
