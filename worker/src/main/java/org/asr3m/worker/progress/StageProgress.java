package org.asr3m.worker.progress;

import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;

/**
 * Progress and ETA of a training stage from the batch counter: the fraction of all epochs' batches
 * done, and the time the remaining fraction takes at the speed measured since this process started
 * the stage (a resumed stage does not count the time before the crash). Written to the stage row
 * at most every two seconds.
 */
public final class StageProgress {
  private static final long WRITE_EVERY_NANOS = 2_000_000_000L;
  private final RunRepository runs;
  private final long runId;
  private final Stage stage;
  private final int epochs;
  private final long start = System.nanoTime();
  private double startFraction = -1;
  private double fraction;
  private long lastWrite;

  public StageProgress(RunRepository runs, long runId, Stage stage, int epochs) {
    this.runs = runs;
    this.runId = runId;
    this.stage = stage;
    this.epochs = Math.max(1, epochs);
  }

  public void batch(int epoch, int batch, int batches) {
    fraction = Math.min(1.0, (epoch + batch / (double) Math.max(1, batches)) / epochs);
    if (startFraction < 0) {
      startFraction = fraction;
    }
    long now = System.nanoTime();
    if (now - lastWrite >= WRITE_EVERY_NANOS) {
      lastWrite = now;
      runs.stageProgress(runId, stage, fraction, etaSeconds());
    }
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
