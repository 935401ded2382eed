package org.asr3m.worker.progress;

import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;

/**
 * Progress and ETA of a training stage from the batch counter: the fraction of all epochs' batches
 * done, and the time the remaining fraction takes at the speed measured since this process started
 * the stage (a resumed stage does not count the time before the crash). Written to the stage row
 * at most every two seconds.
 *
 * <p>A streamed epoch (shards) does not know its length until it ends. Its expected length is then the
 * previous epoch's when this process saw one end, else the estimate it was given (e.g. from the
 * training set's frames); with neither, only whole epochs count. A batch beyond the expectation moves
 * progress on ever more slowly (batch / (batch + 1) of the epoch), so an epoch never shows as complete
 * before it ends and the stage never shows more than 100 %; progress never goes backwards.
 */
public final class StageProgress {
  private static final long WRITE_EVERY_NANOS = 2_000_000_000L;
  private final RunRepository runs;
  private final long runId;
  private final Stage stage;
  private final int epochs;
  private final int estimatedBatches;
  private final long start = System.nanoTime();
  private double startFraction = -1;
  private double fraction;
  private long lastWrite;
  private boolean written;
  /** The epoch being counted, the highest batch number seen in it, and the length of the last finished epoch. */
  private int epoch = -1;
  private int lastBatch;
  private int previousEpochBatches;

  /**
   * @param epochs epochs the stage trains
   * @param estimatedBatches batches expected in a streamed epoch before one was seen to its end (0: unknown)
   */
  public StageProgress(RunRepository runs, long runId, Stage stage, int epochs, int estimatedBatches) {
    this.runs = runs;
    this.runId = runId;
    this.stage = stage;
    this.epochs = Math.max(1, epochs);
    this.estimatedBatches = Math.max(0, estimatedBatches);
  }

  /**
   * After batch number {@code batch} (1-based, counting batches a resumed epoch skipped) of {@code epoch}
   * (0-based); {@code batches} is the epoch's length, or -1 when unknown (a stream).
   */
  public void batch(int epoch, int batch, int batches) {
    if (epoch != this.epoch) {
      if (epoch == this.epoch + 1 && lastBatch > 0) {
        previousEpochBatches = lastBatch; // the counter ran to the end of the epoch before
      }
      this.epoch = epoch;
      lastBatch = 0;
    }
    lastBatch = Math.max(lastBatch, batch);
    double within;
    if (batches > 0) {
      within = Math.min(1.0, batch / (double) batches);
    } else {
      int expected = previousEpochBatches > 0 ? previousEpochBatches : estimatedBatches;
      within = expected > 0 ? batch / (double) Math.max(expected, batch + 1) : 0;
    }
    fraction = Math.max(fraction, Math.min(1.0, (epoch + within) / epochs));
    if (startFraction < 0) {
      startFraction = fraction;
    }
    long now = System.nanoTime();
    if (!written || now - lastWrite >= WRITE_EVERY_NANOS) {
      written = true;
      lastWrite = now;
      runs.stageProgress(runId, stage, fraction, etaSeconds());
    }
  }

  /** The end of {@code epoch}: its last batch number is its length, the expectation for the next streamed epoch. */
  public void epochEnded(int epoch) {
    if (epoch == this.epoch && lastBatch > 0) {
      previousEpochBatches = lastBatch;
    }
  }

  /** The fraction of the stage done, 0 to 1. */
  public double fraction() {
    return fraction;
  }

  /** Seconds to the end of the stage, or null before the speed is known. */
  public Double etaSeconds() {
    double done = fraction - startFraction;
    if (startFraction < 0 || done <= 0) {
      return null;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return elapsed / done * (1 - fraction);
  }
}
