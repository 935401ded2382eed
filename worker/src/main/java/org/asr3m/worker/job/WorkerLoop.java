package org.asr3m.worker.job;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.lease.WorkerRegistry;
import org.asr3m.worker.run.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The long-running worker: claims the oldest queued run (or one whose owner's lease expired),
 * executes it, and looks again; idle, it heartbeats and polls. On shutdown (SIGTERM) the running
 * stage is interrupted and the run handed back, to be resumed from its last checkpoint by the next
 * worker that claims it.
 */
@Component
public class WorkerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);
  private final LeaseManager leases;
  private final RunExecutor executor;
  private final WorkerRegistry registry;
  private final RunControl control;
  private final WorkerProperties props;
  private volatile boolean stopping;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public WorkerLoop(LeaseManager leases, RunExecutor executor, WorkerRegistry registry, RunControl control,
      WorkerProperties props) {
    this.leases = leases;
    this.executor = executor;
    this.registry = registry;
    this.control = control;
    this.props = props;
  }

  /** Serves until {@link #stop} (or until {@code maxRuns} runs were executed, when positive). */
  public void serve(int maxRuns) throws Exception {
    registry.register(props.device().isBlank() ? "auto" : props.device());
    Thread hook = new Thread(this::stop, "worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    LOG.info("worker {} serving (lease {}, work dir {})", props.id(), props.lease(), props.workDir());
    int executed = 0;
    try {
      while (!stopping && (maxRuns <= 0 || executed < maxRuns)) {
        registry.heartbeat(null);
        Optional<Long> run = leases.claimNext(props.id(), props.lease());
        if (run.isEmpty()) {
          Thread.sleep(props.pollInterval().toMillis());
          continue;
        }
        LOG.info("worker {} claimed run {}", props.id(), run.get());
        var status = executor.execute(run.get());
        LOG.info("run {} ended: {}", run.get(), status);
        executed++;
      }
    } finally {
      registry.stopped();
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already in shutdown: the hook is running
      }
    }
  }

  /** Graceful stop: interrupt the running stage at its next batch, hand the run back, then return. */
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    control.shutdown();
    try {
      stopped.await(props.lease().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
