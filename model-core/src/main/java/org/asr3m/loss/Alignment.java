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
 */
final class Alignment {
  private final double negLogP;
  private final double[] occupancy;

  /**
   * @param emit (B, T, S) log-probabilities of the extended labels, row-major
   * @param i the utterance
   * @param frames T_b ≤ T
   * @param labels L_b
   * @param ext (B, S) extended labels
   */
  Alignment(double[] emit, int i, int t, int s, int frames, int labels, long[] ext) {
    int sb = 2 * labels + 1;
    if (frames == 0) {
      negLogP = labels == 0 ? 0 : Double.POSITIVE_INFINITY;
      occupancy = labels == 0 ? new double[0] : null;
      return;
    }
    // y[f * sb + j]: this utterance's emission probabilities, compacted to its own S_b states
    double[] y = new double[frames * sb];
    for (int f = 0; f < frames; f++) {
      int from = (i * t + f) * s;
      for (int j = 0; j < sb; j++) {
        y[f * sb + j] = Math.exp(emit[from + j]);
      }
    }
    // a label may be reached from two states back unless it repeats the previous label
    boolean[] skip = new boolean[sb];
    for (int j = 3; j < sb; j += 2) {
      skip[j] = ext[i * s + j] != ext[i * s + j - 2];
    }
    double[] alpha = new double[frames * sb];
    double logScale = 0;
    alpha[0] = y[0];
    if (sb > 1) {
      alpha[1] = y[1];
    }
    logScale += normalise(alpha, 0, sb);
    for (int f = 1; f < frames && logScale != Double.NEGATIVE_INFINITY; f++) {
      int p = (f - 1) * sb;
      int c = f * sb;
      for (int j = 0; j < sb; j++) {
        double a = alpha[p + j];
        if (j > 0) {
          a += alpha[p + j - 1];
        }
        if (skip[j]) {
          a += alpha[p + j - 2];
        }
        alpha[c + j] = a * y[c + j];
      }
      logScale += normalise(alpha, c, sb);
    }
    int last = (frames - 1) * sb;
    double end = alpha[last + sb - 1] + (sb > 1 ? alpha[last + sb - 2] : 0);
    if (logScale == Double.NEGATIVE_INFINITY || !(end > 0)) {
      negLogP = Double.POSITIVE_INFINITY;
      occupancy = null;
      return;
    }
    negLogP = -(logScale + Math.log(end));
    double[] beta = new double[frames * sb];
    beta[last + sb - 1] = y[last + sb - 1];
    if (sb > 1) {
      beta[last + sb - 2] = y[last + sb - 2];
    }
    normalise(beta, last, sb);
    for (int f = frames - 2; f >= 0; f--) {
      int n = (f + 1) * sb;
      int c = f * sb;
      for (int j = 0; j < sb; j++) {
        double b = beta[n + j];
        if (j + 1 < sb) {
          b += beta[n + j + 1];
        }
        if (j + 2 < sb && skip[j + 2]) {
          b += beta[n + j + 2];
        }
        beta[c + j] = b * y[c + j];
      }
      normalise(beta, c, sb);
    }
    // γ reuses α's array: α̂·β̂/y per frame, normalised to sum 1
    for (int f = 0; f < frames; f++) {
      int c = f * sb;
      double sum = 0;
      for (int j = 0; j < sb; j++) {
        double g = y[c + j] > 0 ? alpha[c + j] * beta[c + j] / y[c + j] : 0;
        alpha[c + j] = g;
        sum += g;
      }
      double inv = sum > 0 ? 1 / sum : 0;
      for (int j = 0; j < sb; j++) {
        alpha[c + j] *= inv;
      }
    }
    occupancy = alpha;
  }

  /** −log P(y | x), +∞ when no alignment exists. */
  double negLogP() {
    return negLogP;
  }

  /** γ as (T_b, S_b) row-major; null when infeasible. */
  double[] occupancy() {
    return occupancy;
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
