package org.asr3m.worker.run;

/** The state of one stage of a run, shared by worker, API and UI. */
public enum StageStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  /** Identical inputs were already processed by an earlier run: its outputs are linked, not recomputed. */
  REUSED,
  /** The recipe does not need this stage (e.g. no embedding network for a dense Conformer). */
  SKIPPED,
  FAILED;

  public boolean done() {
    return this == COMPLETED || this == REUSED || this == SKIPPED;
  }
}
