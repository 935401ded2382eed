package org.asr3m.worker.job;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.lease.WorkerRegistry;
import org.asr3m.worker.run.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The long-running worker: while one of its slots (asr3m.worker.slots, e.g. one per GPU) is free it
 * claims the oldest queued run (or one whose owner's lease expired) and executes it on that slot's
 * device; idle, it heartbeats and polls. On shutdown (SIGTERM closes the application context) the
 * running stages stop — training after a checkpoint at its next step — and their runs are handed
 * back, to be resumed from that checkpoint by the next worker that claims them.
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
  private volatile boolean serving;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public WorkerLoop(LeaseManager leases, RunExecutor executor, WorkerRegistry registry, RunControl control,
      WorkerProperties props) {
    this.leases = leases;
    this.executor = executor;
    this.registry = registry;
    this.control = control;
    this.props = props;
  }

  /** Serves until {@link #stop} (or until {@code maxRuns} runs were claimed and ended, when positive). */
  public void serve(int maxRuns) throws Exception {
    serving = true;
    registry.register(props.deviceLabel(), props.slots());
    LOG.info("worker {} serving {} slot(s) on {} (lease {}, featurePrep partitioning {}, work dir {})", props.id(),
        props.slots(), props.deviceLabel(), props.lease(), props.partitioning().name().toLowerCase(), props.workDir());
    BlockingQueue<Integer> free = new LinkedBlockingQueue<>();
    for (int i = 0; i < props.slots(); i++) {
      free.add(i);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService slots = Executors.newFixedThreadPool(props.slots(), r -> {
      Thread t = new Thread(r, "worker-slot-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    int claimed = 0;
    try {
      while (!stopping && (maxRuns <= 0 || claimed < maxRuns)) {
        registry.heartbeat();
        Integer slot = free.poll(props.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (slot == null || stopping) {
          if (slot != null) {
            free.add(slot);
          }
          continue;
        }
        Optional<Long> run = leases.claimNext(props.id(), props.lease());
        if (run.isEmpty()) {
          free.add(slot);
          Thread.sleep(props.pollInterval().toMillis());
          continue;
        }
        claimed++;
        long id = run.get();
        String device = props.slotDevice(slot);
        LOG.info("worker {} claimed run {} (slot {}, device {})", props.id(), id, slot, device.isBlank() ? "auto" : device);
        slots.execute(() -> {
          try {
            LOG.info("run {} ended: {}", id, executor.execute(id, device));
          } catch (Exception | Error e) {
            // the lease runs out and another worker (or this one) takes the run over from its checkpoint
            LOG.error("run {}: the worker could not execute it: {}", id, e.toString(), e);
          } finally {
            free.add(slot);
          }
        });
      }
    } finally {
      slots.shutdown();
      awaitSlots(slots);
      registry.stopped();
      stopped.countDown();
    }
  }

  /** Waits for the runs still executing (each renews its own lease meanwhile), keeping the worker's row fresh. */
  private void awaitSlots(ExecutorService slots) throws InterruptedException {
    while (!slots.awaitTermination(props.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
      registry.heartbeat();
    }
  }

  /** Graceful stop (SIGTERM, or the embedding application closing): runs checkpoint and are handed back. */
  @EventListener(ContextClosedEvent.class)
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    control.shutdown();
    if (!serving) {
      return;
    }
    LOG.info("worker {} stopping: runs {} checkpoint and go back to the queue", props.id(), control.runs());
    try {
      if (!stopped.await(props.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("worker {}: runs {} did not stop within {}; their leases expire and other workers resume them",
            props.id(), control.runs(), props.stopTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
