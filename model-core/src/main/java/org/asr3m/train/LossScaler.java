package org.asr3m.train;

/**
 * Dynamic loss scaling for fp16 training, with PyTorch's GradScaler rules: the loss is multiplied
 * by S before the backward pass so small fp16 gradients do not flush to zero; the gradients are
 * unscaled (÷ S) before clipping and the update; a step whose gradients overflowed (∞/NaN) is
 * skipped and counted, and S is halved (backoff 0.5); after {@code growthInterval} consecutive good
 * steps S doubles (growth 2). Defaults: S₀ = 2¹⁶, interval 2000, as torch.cuda.amp.GradScaler.
 *
 * <p>The gradients themselves are never rescaled in a separate pass: the global norm is measured
 * on the scaled gradients once, and {@link #unscaledNorm} divides it, which is exact (the norm is
 * homogeneous) and leaves clipping to see the true norm; the update multiplies each gradient by
 * {@code clipFactor / S} inside Adam's own pass ({@link Adam#update(double, double)}).
 */
public final class LossScaler {
  public static final double DEFAULT_INITIAL_SCALE = 65536.0;
  public static final double GROWTH_FACTOR = 2.0;
  public static final double BACKOFF_FACTOR = 0.5;
  public static final int DEFAULT_GROWTH_INTERVAL = 2000;

  private final int growthInterval;
  private double scale;
  private int goodSteps;
  private long skippedSteps;

  public LossScaler() {
    this(DEFAULT_INITIAL_SCALE, DEFAULT_GROWTH_INTERVAL);
  }

  public LossScaler(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || growthInterval < 1) {
      throw new IllegalArgumentException("loss scale must be > 0 and growth interval >= 1");
    }
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** The factor S the loss is multiplied by before the backward pass. */
  public double scale() {
    return scale;
  }

  /** Steps skipped so far because their scaled gradients overflowed. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /** The true global gradient norm from the norm of the scaled gradients (∞/NaN stays so). */
  public double unscaledNorm(double scaledNorm) {
    return scaledNorm / scale;
  }

  /** The gradient factor for the update: clipping (on the unscaled norm) times 1/S. */
  public double updateFactor(double clipFactor) {
    return clipFactor / scale;
  }

  /**
   * Ends a step given the norm of its scaled gradients, and adjusts S.
   *
   * @return true if the step must be applied, false if it overflowed and is skipped (the caller
   *     zeroes the gradients as for any skipped step)
   */
  public boolean endStep(double scaledNorm) {
    if (!Double.isFinite(scaledNorm)) {
      skippedSteps++;
      scale *= BACKOFF_FACTOR;
      goodSteps = 0;
      return false;
    }
    if (++goodSteps >= growthInterval) {
      scale *= GROWTH_FACTOR;
      goodSteps = 0;
    }
    return true;
  }
}
