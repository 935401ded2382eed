package org.asr3m.worker.step;

/**
 * Fails a training stage whose loss or gradient stays non-finite: the trainer skips an update
 * whose gradient norm is NaN/inf (as WeNet does), which heals a rare bad batch, but a run that
 * diverged would otherwise skip every update for days.
 */
final class NonFiniteGuard {
  private final int max;
  private int consecutive;

  NonFiniteGuard(int maxConsecutive) {
    this.max = maxConsecutive;
  }

  /** An update was applied; its logged loss may still be non-finite. */
  void step(int epoch, long step, double loss) {
    consecutive = Double.isFinite(loss) ? 0 : consecutive + 1;
    check(epoch, step);
  }

  /** An update was skipped because the gradient norm was not finite. */
  void skipped(int epoch, long step) {
    consecutive++;
    check(epoch, step);
  }

  private void check(int epoch, long step) {
    if (consecutive >= max) {
      throw new IllegalStateException("the loss or gradient was not finite (NaN/inf) for " + consecutive
          + " consecutive updates (epoch " + epoch + ", step " + step + "): lower optim_conf.lr, raise"
          + " scheduler_conf.warmup_steps or check the data");
    }
  }
}
