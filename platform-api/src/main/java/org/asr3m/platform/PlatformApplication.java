package org.asr3m.platform;

import org.asr3m.worker.artifact.ArtifactStoreConfiguration;
import org.asr3m.worker.run.RunRepository;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The control plane. With no configuration it runs on the embedded defaults (an H2 file database,
 * a local artefact directory and an in-process worker); with a PostgreSQL URL, an S3 endpoint and
 * {@code asr3m.embedded-worker.enabled=false} it is the control plane of a cluster of workers.
 * It shares the run tables' repository and the artefact store with the worker, never DJL.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ArtifactStoreConfiguration.class, RunRepository.class})
public class PlatformApplication {
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(PlatformApplication.class);
    if (PlatformCommandLine.isCommand(args)) {
      // stdout carries the token alone, so that TOKEN=$(java -jar platform-api.jar token create …) works
      System.setProperty("logging.level.root", "warn");
      System.setProperty("logging.level.org.asr3m", "warn");
      // a one-shot admin command: no web server, no embedded worker
      app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
      app.setDefaultProperties(java.util.Map.of("asr3m.embedded-worker.enabled", "false"));
      System.exit(SpringApplication.exit(app.run(args)));
    }
    if (args.length > 0 && args[0].equals("demo")) {
      // the demo prints its own progress; the services' INFO lines would interleave with it
      System.setProperty("logging.level.org.asr3m", "warn");
      // N runs at once, each on cores/N libtorch threads: on 2 cores two 1-thread runs train 1.25x faster
      // together than one 2-thread run at a time (tiny models use a second intra-op thread poorly).
      // Only defaults: --asr3m.worker.slots=… and ai.djl.pytorch.num_threads / OMP_NUM_THREADS still win.
      int parallel = PlatformCommandLine.demoParallel(args);
      app.setDefaultProperties(java.util.Map.of("asr3m.worker.slots", Integer.toString(parallel)));
      if (System.getProperty("ai.djl.pytorch.num_threads") == null && System.getenv("OMP_NUM_THREADS") == null) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      }
    }
    var context = app.run(args);
    if (PlatformCommandLine.exitsWhenDone(args)) {
      System.exit(SpringApplication.exit(context));
    }
  }
}
