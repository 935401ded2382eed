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

  /**
   * @param t frames of the padded batch
   * @param s extended labels of the padded batch (2·L + 1)
   */
  Alignment(int t, int s) {
    this.t = t;
    this.s = s;
    this.alpha = new double[t * s];
    this.beta = new double[t * s];
  }

  /**
   * Aligns utterance {@code i} and writes its γ into {@code occupancy}; rows and states outside
   * the utterance, and every row of an infeasible one, are left as they are (zero).
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
    // a label may be reached from two states back unless it repeats the previous label
    boolean[] skip = new boolean[sb];
    for (int j = 3; j < sb; j += 2) {
      skip[j] = ext[i * s + j] != ext[i * s + j - 2];
    }
    double logScale = 0;
    alpha[0] = y[base];
    if (sb > 1) {
      alpha[1] = y[base + 1];
    }
    for (int j = 2; j < sb; j++) {
      alpha[j] = 0;
    }
    logScale += normalise(alpha, 0, sb);
    for (int f = 1; f < frames && logScale != Double.NEGATIVE_INFINITY; f++) {
      int p = (f - 1) * sb;
      int c = f * sb;
      int row = base + f * s;
      for (int j = 0; j < sb; j++) {
        double a = alpha[p + j];
        if (j > 0) {
          a += alpha[p + j - 1];
        }
        if (skip[j]) {
          a += alpha[p + j - 2];
        }
        alpha[c + j] = a * y[row + j];
      }
      logScale += normalise(alpha, c, sb);
    }
    int last = (frames - 1) * sb;
    double end = alpha[last + sb - 1] + (sb > 1 ? alpha[last + sb - 2] : 0);
    if (logScale == Double.NEGATIVE_INFINITY || !(end > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double negLogP = -(logScale + Math.log(end));
    int lastRow = base + (frames - 1) * s;
    for (int j = 0; j < sb - 2; j++) {
      beta[last + j] = 0;
    }
    beta[last + sb - 1] = y[lastRow + sb - 1];
    if (sb > 1) {
      beta[last + sb - 2] = y[lastRow + sb - 2];
    }
    normalise(beta, last, sb);
    for (int f = frames - 2; f >= 0; f--) {
      int n = (f + 1) * sb;
      int c = f * sb;
      int row = base + f * s;
      for (int j = 0; j < sb; j++) {
        double b = beta[n + j];
        if (j + 1 < sb) {
          b += beta[n + j + 1];
        }
        if (j + 2 < sb && skip[j + 2]) {
          b += beta[n + j + 2];
        }
        beta[c + j] = b * y[row + j];
      }
      normalise(beta, c, sb);
    }
    // γ = α̂·β̂/y per frame, normalised to sum 1
    for (int f = 0; f < frames; f++) {
      int c = f * sb;
      int row = base + f * s;
      double sum = 0;
      for (int j = 0; j < sb; j++) {
        double e = y[row + j];
        double g = e > 0 ? alpha[c + j] * beta[c + j] / e : 0;
        occupancy[row + j] = g;
        sum += g;
      }
      double inv = sum > 0 ? 1 / sum : 0;
      for (int j = 0; j < sb; j++) {
        occupancy[row + j] *= inv;
      }
    }
    return negLogP;
  }

  /** Scales a[from, from + n) to sum 1; returns the log of the factor (−∞ if all were 0). */
  private static double normalise(double[] a, int from, int n) {
    double sum = 0;
    for (int j = from; j < from + n; j++) {
      sum += a[j];
    }
    if (!(sum > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    double inv = 1 / sum;
    for (int j = from; j < from + n; j++) {
      a[j] *= inv;
    }
    return Math.log(sum);
  }
}
