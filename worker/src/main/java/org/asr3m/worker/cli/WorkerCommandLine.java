package org.asr3m.worker.cli;

import org.asr3m.io.InputException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The worker's command line: {@code run} executes one experiment in this process (embedded
 * defaults: an H2 file database and a local artefact directory, no services) and prints its CER
 * table; {@code serve} is the long-running worker of a cluster. Spring Boot's own
 * {@code --name=value} options still configure the application.
 */
@Component
public class WorkerCommandLine implements ApplicationRunner, ExitCodeGenerator {
  /** Exit codes as asr3m's: 2 bad input, 3 the run failed, 1 internal error. */
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_RUN_FAILED = 3;

  private final RunCommand run;
  private final ServeCommand serve;
  private int exitCode;

  public WorkerCommandLine(RunCommand run, ServeCommand serve) {
    this.run = run;
    this.serve = serve;
  }

  @Command(name = "worker.jar", mixinStandardHelpOptions = true,
      description = "3M-ASR worker: experiment runs as Spring Batch jobs (featurePrep, embeddingPretrain, baseTrain,"
          + " train, evaluate).")
  static final class Root {}

  @Override
  public void run(ApplicationArguments args) {
    String[] argv = args.getSourceArgs();
    if (argv.length == 0) {
      // started by another Spring application or a test: nothing to do on the command line
      return;
    }
    CommandLine cmd = new CommandLine(new Root()).addSubcommand("run", run).addSubcommand("serve", serve);
    cmd.setUnmatchedOptionsArePositionalParams(false);
    cmd.setUnmatchedArgumentsAllowed(true); // Spring's --name=value options pass through
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof InputException || e instanceof IllegalArgumentException) {
        c.getErr().println("worker " + c.getCommandName() + ": error: " + e.getMessage());
        return EXIT_BAD_INPUT;
      }
      c.getErr().println("worker " + c.getCommandName() + ": internal error: " + e);
      e.printStackTrace(c.getErr());
      return 1;
    });
    exitCode = cmd.execute(argv);
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }
}
