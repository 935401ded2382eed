package org.asr3m.worker.run;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Signals to the stage running in this process, checked by the training and decoding loops at
 * every batch: the run was cancelled, or this worker lost its lease (another worker owns the run
 * now and this one must stop writing), or the worker is shutting down.
 */
@Component
public class RunControl {
  /** Why the current stage must stop; null while it may go on. */
  private final AtomicReference<String> stop = new AtomicReference<>();
  private volatile boolean cancelled;

  public void reset() {
    stop.set(null);
    cancelled = false;
  }

  public void cancel() {
    cancelled = true;
    stop.compareAndSet(null, "cancelled by request");
  }

  public void leaseLost() {
    stop.compareAndSet(null, "this worker lost its lease on the run (another worker took it over)");
  }

  public void shutdown() {
    stop.compareAndSet(null, "the worker is shutting down; the run continues from its last checkpoint");
  }

  public boolean cancelled() {
    return cancelled;
  }

  /** Throws when the stage must stop. */
  public void check() {
    String why = stop.get();
    if (why != null) {
      throw new RunInterruptedException(why, cancelled);
    }
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
