package org.asr3m.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Receives training progress: the CLI prints it, the worker stores it as run metrics. All
 * callbacks run on the training thread; implementations should be quick.
 */
public interface TrainListener {
  /** After each batch's backward pass (for progress display). */
  default void onBatch(int epoch, int batch, int batches) {}

  /** After each optimiser update. */
  default void onStep(int epoch, long step, double lr, Map<String, Double> losses, double gradNorm,
      double framesPerSecond) {}

  /** A non-finite gradient norm: the update was skipped (as WeNet does). */
  default void onSkippedStep(int epoch, long step, double gradNorm) {}

  /** After validation at the end of an epoch. */
  default void onEpoch(int epoch, Checkpoint.DevResult dev, Path checkpoint) {}

  /**
   * Expert utilisation of an epoch (MoE models only): routing of the training batches and of the
   * dev set, also written to {@code EXP/expert_stats/epoch_N.json}.
   */
  default void onExpertStats(int epoch, org.asr3m.moe.ExpertStats train, org.asr3m.moe.ExpertStats dev) {}

  /** A checkpoint was written. */
  default void onCheckpoint(Path dir) {}

  /** final/ is written: which epochs it holds and why ({@link FinalSelection#describe()}). */
  default void onFinal(Path dir, FinalSelection selection) {}

  /**
   * Asked after every optimiser update: true makes the trainer write a step checkpoint right there
   * ({@link #onCheckpoint} sees it) and end with {@link TrainingStoppedException} — how a worker that
   * is shutting down hands its run on without losing the steps since the last scheduled checkpoint.
   */
  default boolean stopRequested() {
    return false;
  }

  /** After an epoch's last batch: what the data loading read and skipped (bad inputs by shard and member). */
  default void onEpochData(int epoch, DataSummary data) {}
}
