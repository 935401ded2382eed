package org.asr3m.features;

/**
 * Kaldi's triangular mel filters (mel = 1127 ln(1 + f/700)), stored sparsely: each bank keeps only
 * the FFT bins where its weight is non-zero, so applying all banks is O(bins) per frame.
 */
final class MelBanks {
  /** Immutable and the same for every utterance: built once per setting (each costs ~20,000 logs). */
  private static final java.util.concurrent.ConcurrentMap<java.util.List<Object>, MelBanks> BUILT =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final int[] first;
  private final double[][] weights;

  static MelBanks of(int numBins, int paddedWindowSize, int sampleRate, double lowFreq, double highFreq) {
    return BUILT.computeIfAbsent(java.util.List.of(numBins, paddedWindowSize, sampleRate, lowFreq, highFreq),
        k -> new MelBanks(numBins, paddedWindowSize, sampleRate, lowFreq, highFreq));
  }

  private MelBanks(int numBins, int paddedWindowSize, int sampleRate, double lowFreq, double highFreq) {
    int numFftBins = paddedWindowSize / 2;
    double nyquist = 0.5 * sampleRate;
    double high = highFreq <= 0 ? highFreq + nyquist : highFreq;
    if (lowFreq < 0 || lowFreq >= high || high > nyquist) {
      throw new IllegalArgumentException("bad mel range: low_freq " + lowFreq + " Hz, high_freq " + high
          + " Hz, Nyquist " + nyquist + " Hz");
    }
    double binWidth = (double) sampleRate / paddedWindowSize;
    double melLow = mel(lowFreq);
    double melHigh = mel(high);
    double delta = (melHigh - melLow) / (numBins + 1);
    first = new int[numBins];
    weights = new double[numBins][];
    for (int b = 0; b < numBins; b++) {
      double left = melLow + b * delta;
      double center = left + delta;
      double right = center + delta;
      double[] w = new double[numFftBins];
      int lo = -1;
      int hi = -1;
      for (int k = 0; k < numFftBins; k++) {
        double m = mel(binWidth * k);
        double up = (m - left) / (center - left);
        double down = (right - m) / (right - center);
        double v = Math.max(0.0, Math.min(up, down));
        if (v > 0) {
          if (lo < 0) {
            lo = k;
          }
          hi = k;
        }
        w[k] = v;
      }
      if (lo < 0) {
        throw new IllegalArgumentException("mel bank " + b + " is empty: too many mel bins ("
            + numBins + ") for a " + paddedWindowSize + "-point FFT");
      }
      first[b] = lo;
      weights[b] = java.util.Arrays.copyOfRange(w, lo, hi + 1);
    }
  }

  int numBins() {
    return first.length;
  }

  /** Energy of bank {@code b} for a power spectrum. */
  double apply(int b, double[] power) {
    double[] w = weights[b];
    int off = first[b];
    double acc = 0;
    for (int i = 0; i < w.length; i++) {
      acc += w[i] * power[off + i];
    }
    return acc;
  }

  static double mel(double freq) {
    return 1127.0 * Math.log(1.0 + freq / 700.0);
  }
}
