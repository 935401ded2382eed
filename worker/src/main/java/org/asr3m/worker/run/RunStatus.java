package org.asr3m.worker.run;

/** The state of a run, shared by worker, API and UI. */
public enum RunStatus {
  /** Waiting for a worker with a free slot. */
  QUEUED,
  /** Claimed by a worker (its lease is live) or waiting for another worker to take over an expired lease. */
  RUNNING,
  COMPLETED,
  /** A stage failed; the reason is in runs.failure_reason. A failed run can be resumed. */
  FAILED,
  CANCELLED;

  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
