package org.asr3m.worker.step;

import org.asr3m.worker.run.StageStatus;

/** How a stage ended: computed, linked from an earlier run, or not needed by the recipe. */
public record StageOutcome(StageStatus status, String outputPrefix, Long reusedFromRun, String message) {

  public static StageOutcome completed(String prefix, String message) {
    return new StageOutcome(StageStatus.COMPLETED, prefix, null, message);
  }

  public static StageOutcome reused(long fromRun, String prefix) {
    return new StageOutcome(StageStatus.REUSED, prefix, fromRun, "identical inputs: outputs of run " + fromRun + " linked");
  }

  public static StageOutcome skipped(String why) {
    return new StageOutcome(StageStatus.SKIPPED, null, null, why);
  }
}
