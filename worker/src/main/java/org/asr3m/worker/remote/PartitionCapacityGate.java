package org.asr3m.worker.remote;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.run.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

/**
 * Lets this worker take featurePrep partitions only on free capacity: the partition consumer runs
 * while a slot is free (no run, or a run whose featurePrep waits for its own partitions) and is
 * stopped while every slot works, or once the worker is shutting down. Stopping waits for the
 * partition in hand, so a partition is never cut off and redelivered while it still runs here.
 */
class PartitionCapacityGate implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionCapacityGate.class);
  private final AbstractMessageListenerContainer consumer;
  private final RunControl control;
  private final WorkerProperties props;
  private ScheduledExecutorService timer;
  private volatile boolean running;

  PartitionCapacityGate(AbstractMessageListenerContainer consumer, RunControl control, WorkerProperties props) {
    this.consumer = consumer;
    this.control = control;
    this.props = props;
  }

  void update() {
    try {
      boolean free = !control.shuttingDown() && control.busySlots() < props.slots();
      if (free && !consumer.isRunning()) {
        LOG.debug("worker {}: free slot, taking featurePrep partitions", props.id());
        consumer.start();
      } else if (!free && consumer.isRunning()) {
        LOG.debug("worker {}: no free slot, not taking featurePrep partitions", props.id());
        consumer.stop();
      }
    } catch (RuntimeException e) {
      LOG.warn("worker {}: partition consumer: {}", props.id(), e.toString());
    }
  }

  @Override
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "partition-capacity");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::update, 0, 500, TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (timer != null) {
      timer.shutdownNow();
    }
    consumer.stop();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // stops before the consumer container's own lifecycle, and long after the worker loop's context-closed stop
    return Integer.MAX_VALUE - 100;
  }
}
