package org.asr3m.platform.embedded;

import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.job.ExperimentJobConfiguration;
import org.asr3m.worker.job.RunExecutor;
import org.asr3m.worker.job.WorkerLoop;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.lease.WorkerRegistry;
import org.asr3m.worker.reuse.StageReuse;
import org.asr3m.worker.run.RunControl;
import org.asr3m.worker.step.BaseTrainStep;
import org.asr3m.worker.step.EmbeddingPretrainStep;
import org.asr3m.worker.step.EvaluateStep;
import org.asr3m.worker.step.FeaturePrepStep;
import org.asr3m.worker.step.StageServices;
import org.asr3m.worker.step.TrainStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/**
 * The in-process worker of the embedded default: the worker's job and stage beans in this
 * application, and one worker loop on a background thread that claims runs from the same database
 * as remote workers would. Off with {@code asr3m.embedded-worker.enabled=false} (a cluster's control
 * plane, whose workers run elsewhere).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "asr3m.embedded-worker.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WorkerProperties.class)
@Import({ExperimentJobConfiguration.class, FeaturePrepStep.class, EmbeddingPretrainStep.class, BaseTrainStep.class,
    TrainStep.class, EvaluateStep.class, StageServices.class, RunExecutor.class, LeaseManager.class,
    WorkerRegistry.class, RunControl.class, StageReuse.class, WorkerLoop.class})
public class EmbeddedWorkerConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWorkerConfiguration.class);
  private final WorkerLoop loop;
  private Thread thread;

  public EmbeddedWorkerConfiguration(WorkerLoop loop) {
    this.loop = loop;
  }

  /** On start-up, before command-line runners (the demo waits for this worker to execute its runs). */
  @EventListener(ApplicationStartedEvent.class)
  public void start() {
    thread = new Thread(() -> {
      try {
        loop.serve(0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.error("embedded worker stopped: {}", e.toString(), e);
      }
    }, "embedded-worker");
    thread.setDaemon(true);
    thread.start();
  }

  @EventListener(ContextClosedEvent.class)
  public void stop() {
    if (thread != null) {
      loop.stop();
    }
  }
}
