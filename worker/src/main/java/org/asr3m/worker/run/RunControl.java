package org.asr3m.worker.run;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Signals to the runs executing in this process (one per slot), checked by the training and
 * decoding loops at every batch: a run was cancelled, or this worker lost its lease on it (another
 * worker owns the run now and this one must stop writing at once), or the worker is shutting down
 * (training then stops at its next step boundary, after writing a checkpoint).
 */
@Component
public class RunControl {
  private static final String SHUTDOWN = "the worker is shutting down; the run continues from its last checkpoint";
  private final Map<Long, Slot> running = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;

  /** One run being executed here: its device and why it must stop (null while it may go on). */
  private static final class Slot {
    final String device;
    volatile String stop;
    volatile boolean cancelled;
    volatile boolean awaitingPartitions;

    Slot(String device) {
      this.device = device;
    }
  }

  /** A run starts executing in this process on {@code device} (empty = DJL's choice). */
  public void begin(long runId, String device) {
    running.put(runId, new Slot(device == null ? "" : device));
  }

  /** The run stopped executing here. */
  public void end(long runId) {
    running.remove(runId);
  }

  /** The runs executing here now, in id order. */
  public List<Long> runs() {
    return running.keySet().stream().sorted().toList();
  }

  /** The device run {@code runId} trains and decodes on; empty = DJL's choice. */
  public String device(long runId) {
    Slot s = running.get(runId);
    return s == null ? "" : s.device;
  }

  public void cancel(long runId) {
    Slot s = running.get(runId);
    if (s != null) {
      s.cancelled = true;
      if (s.stop == null) {
        s.stop = "cancelled by request";
      }
    }
  }

  public void leaseLost(long runId) {
    Slot s = running.get(runId);
    if (s != null && s.stop == null) {
      s.stop = "this worker lost its lease on the run (another worker took it over)";
    }
  }

  /** Every run here stops (training after a checkpoint at its next step); no new run starts. */
  public void shutdown() {
    shuttingDown = true;
  }

  public boolean shuttingDown() {
    return shuttingDown;
  }

  public boolean cancelled(long runId) {
    Slot s = running.get(runId);
    return s != null && s.cancelled;
  }

  /**
   * Throws when run {@code runId} must stop for any reason. A run that is not executing here (a
   * featurePrep partition of another worker's run) is never stopped from this process: its
   * partition is short and its owner waits for it.
   */
  public void check(long runId) {
    Slot s = running.get(runId);
    if (s == null) {
      return;
    }
    String why = s.stop != null ? s.stop : shuttingDown ? SHUTDOWN : null;
    if (why != null) {
      throw new RunInterruptedException(why, s.cancelled);
    }
  }

  /** Throws only when the run must stop at once (cancelled, lease lost); a shutdown waits for a checkpoint. */
  public void checkUrgent(long runId) {
    Slot s = running.get(runId);
    if (s != null && s.stop != null) {
      throw new RunInterruptedException(s.stop, s.cancelled);
    }
  }

  /** True when the training of run {@code runId} should write a checkpoint now and stop (worker shutdown). */
  public boolean checkpointAndStop(long runId) {
    return shuttingDown && running.containsKey(runId);
  }

  /** featurePrep of run {@code runId} waits for its partitions (its slot's capacity is free for them meanwhile). */
  public void awaitingPartitions(long runId, boolean waiting) {
    Slot s = running.get(runId);
    if (s != null) {
      s.awaitingPartitions = waiting;
    }
  }

  /** Runs here that occupy their slot with their own work (not waiting for partitions). */
  public long busySlots() {
    return running.values().stream().filter(s -> !s.awaitingPartitions).count();
  }

  /** The stage was stopped from outside (cancel, lost lease, shutdown); not a failure of the stage itself. */
  public static final class RunInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean cancelled;

    public RunInterruptedException(String message, boolean cancelled) {
      super(message);
      this.cancelled = cancelled;
    }

    public boolean cancelled() {
      return cancelled;
    }
  }
}
