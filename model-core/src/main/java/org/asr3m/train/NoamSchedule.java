package org.asr3m.train;

/**
 * WeNet's WarmupLR (Noam) schedule: lr(step) = lr₀ · warmup^0.5 · min(step^−0.5, step · warmup^−1.5),
 * rising linearly to lr₀ at {@code warmup} optimiser updates, then decaying as 1/√step.
 * Steps count optimiser updates (after gradient accumulation), starting at 1.
 */
public record NoamSchedule(double baseLr, int warmup) {
  public NoamSchedule {
    if (warmup < 1) {
      throw new IllegalArgumentException("warmup_steps must be >= 1, got " + warmup);
    }
  }

  public double lr(long step) {
    double s = Math.max(1, step);
    return baseLr * Math.sqrt(warmup) * Math.min(1 / Math.sqrt(s), s * Math.pow(warmup, -1.5));
  }
}
