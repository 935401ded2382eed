package org.asr3m.loss;

/**
 * The CTC forward-backward recursions of one utterance on primitive arrays: α, β over its own
 * extended label sequence (S_b = 2·L_b + 1 states) and T_b frames, giving −log P and the state
 * occupancy γ_t(s) = α_t(s)·β_t(s) / (y_t(l'_s)·P) (α and β both include the emission at t).
 *
 * <p>The recursions run in linear space with each frame rescaled to sum 1 (Graves et al. 2006,
 * §4.1): log P is the sum of the logs of the scale factors, and the inner loops are plain
 * multiply-adds, where log-space recursions need three exp and a log per cell (they were most of
 * this loss's time). Double precision and per-frame rescaling keep every value far from underflow
 * for any log-probability a float32 or float64 log-softmax produces. γ_t is normalised per frame
 * (a path occupies exactly one state per frame, so Σ_s γ_t(s) = 1), which also cancels the scales.
 *
 * <p>One instance serves every utterance of a batch: α and β live in buffers sized for the
 * longest utterance, so a loss allocates them once.
 */
final class Alignment {
  private final int t;
  private final int s;
  private final double[] alpha;
  private final double[] beta;
  /** 1 where a label state may be entered from two states back (it differs from the previous label), else 0. */
  private final double[] skip;

  /**
   * @param t frames of the padded batch
   * @param s extended labels of the padded batch (2·L + 1)
   */
  Alignment(int t, int s) {
    this.t = t;
    this.s = s;
    this.alpha = new double[t * s];
    this.beta = new double[t * s];
    this.skip = new double[s];
  }

  /**
   * Aligns utterance {@code i} and writes its γ into {@code occupancy}; rows and states outside
   * the utterance, and every row of an infeasible one, are left as they are (zero).
   *
   * <p>Each frame is one call of a small method ({@link #alphaFrame}, {@link #betaFrame},
   * {@link #gammaFrame}): called ~1,000 times per batch they are compiled whole within a few
   * batches, where one method with three loop nests went through on-stack replacements and
   * deoptimisations for dozens of batches (measured: 0.6–2 ms instead of ~0.3 ms per batch).
   * Rows are stored unnormalised — each is computed from the previous one scaled to sum 1 — since
   * γ's per-frame normalisation cancels any per-frame factor.
   *
   * @param y (B, T, S) emission probabilities of the extended labels, row-major
   * @param occupancy (B, T, S) output
   * @param frames T_b ≤ T
   * @param labels L_b
   * @param ext (B, S) extended labels
   * @return −log P(y | x), +∞ when no alignment exists
   */
  double align(double[] y, double[] occupancy, int i, int frames, int labels, long[] ext) {
    int sb = 2 * labels + 1;
    if (frames == 0) {
      return labels == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    int base = i * t * s; // row f of the utterance starts at base + f·s in y and occupancy
    for (int j = 0; j < sb; j++) {
      skip[j] = j >= 3 && j % 2 == 1 && ext[i * s + j] != ext[i * s + j - 2] ? 1 : 0;
    }
    alpha[0] = y[base];
    double sum = alpha[0];
    if (sb > 1) {
      alpha[1] = y[base + 1];
      sum += alpha[1];
    }
    for (int j = 2; j < sb; j++) {
      alpha[j] = 0;
    }
    // log P = Σ_f<T−1 log(row sum) + log(α at the two final states of the last row)
    double logP = 0;
    for (int f = 1; f < frames; f++) {
      if (!(sum > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      logP += Math.log(sum);
      sum = alphaFrame(alpha, (f - 1) * sb, f * sb, sb, y, base + f * s, skip, 1 / sum);
    }
    int last = (frames - 1) * sb;
    double end = alpha[last + sb - 1] + (sb > 1 ? alpha[last + sb - 2] : 0);
    if (!(end > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double negLogP = -(logP + Math.log(end));
    int lastRow = base + (frames - 1) * s;
    for (int j = 0; j < sb; j++) {
      beta[last + j] = j >= sb - 2 ? y[lastRow + j] : 0;
    }
    sum = beta[last + sb - 1] + (sb > 1 ? beta[last + sb - 2] : 0);
    for (int f = frames - 2; f >= 0; f--) {
      sum = betaFrame(beta, (f + 1) * sb, f * sb, sb, y, base + f * s, skip, 1 / sum);
    }
    for (int f = 0; f < frames; f++) {
      gammaFrame(alpha, beta, f * sb, sb, y, base + f * s, occupancy);
    }
    return negLogP;
  }

  /** α of one frame from the previous row p (scaled by inv) into row c; returns its sum. */
  private static double alphaFrame(double[] a, int p, int c, int sb, double[] y, int row, double[] skip,
      double inv) {
    double v = a[p] * inv * y[row];
    a[c] = v;
    double sum = v;
    if (sb > 1) {
      v = (a[p + 1] + a[p]) * inv * y[row + 1];
      a[c + 1] = v;
      sum += v;
    }
    for (int j = 2; j < sb; j++) {
      v = (a[p + j] + a[p + j - 1] + skip[j] * a[p + j - 2]) * inv * y[row + j];
      a[c + j] = v;
      sum += v;
    }
    return sum;
  }

  /** β of one frame from the next row n (scaled by inv) into row c; returns its sum. */
  private static double betaFrame(double[] b, int n, int c, int sb, double[] y, int row, double[] skip,
      double inv) {
    double sum = 0;
    for (int j = 0; j < sb - 2; j++) {
      double v = (b[n + j] + b[n + j + 1] + skip[j + 2] * b[n + j + 2]) * inv * y[row + j];
      b[c + j] = v;
      sum += v;
    }
    if (sb > 1) {
      double v = (b[n + sb - 2] + b[n + sb - 1]) * inv * y[row + sb - 2];
      b[c + sb - 2] = v;
      sum += v;
    }
    double v = b[n + sb - 1] * inv * y[row + sb - 1];
    b[c + sb - 1] = v;
    return sum + v;
  }

  /** γ of one frame: α·β/y (both include the emission), normalised to sum 1. */
  private static void gammaFrame(double[] a, double[] b, int c, int sb, double[] y, int row, double[] out) {
    double sum = 0;
    for (int j = 0; j < sb; j++) {
      double e = y[row + j];
      double g = e > 0 ? a[c + j] * b[c + j] / e : 0;
      out[row + j] = g;
      sum += g;
    }
    double inv = sum > 0 ? 1 / sum : 0;
    for (int j = 0; j < sb; j++) {
      out[row + j] *= inv;
    }
  }
}
