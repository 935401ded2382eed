package org.asr3m.features;

/**
 * Kaldi's triangular mel filters (mel = 1127 ln(1 + f/700)), stored by segment: bank b rises from
 * the centre of bank b − 1 to its own centre and falls to the centre of bank b + 1, so every FFT bin
 * lies in at most two banks, the falling side of one and the rising side of the next. Segment s holds
 * the bins between the centres of banks s − 1 and s with both weights, and one pass over the bins
 * with two running sums gives every bank: about two multiply-adds a bin, with no per-bank loop.
 */
final class MelBanks {
  /** Immutable and the same for every utterance: built once per setting (each costs ~20,000 logs). */
  private static final java.util.concurrent.ConcurrentMap<java.util.List<Object>, MelBanks> BUILT =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final int numBins;
  /** Bins below this have no weight in any bank. */
  private final int firstFftBin;
  /** Segment s covers FFT bins [segmentEnd[s − 1], segmentEnd[s]); numBins + 1 segments. */
  private final int[] segmentEnd;
  /** Weight of bin k in the bank that falls across its segment (bank s − 1). */
  private final double[] falling;
  /** Weight of bin k in the bank that rises across its segment (bank s). */
  private final double[] rising;

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
    double delta = (mel(high) - melLow) / (numBins + 1);
    this.numBins = numBins;
    this.falling = new double[numFftBins];
    this.rising = new double[numFftBins];
    this.segmentEnd = new int[numBins + 1];
    boolean[] used = new boolean[numBins];
    int first = -1;
    int s = 0;
    for (int k = 0; k < numFftBins; k++) {
      double m = mel(binWidth * k);
      // segment of bin k: the first bank whose centre lies above it (mel rises with k)
      while (s < numBins && m >= melLow + (s + 1) * delta) {
        segmentEnd[s++] = k;
      }
      double down = s > 0 ? weight(m, melLow, delta, s - 1) : 0;
      double up = s < numBins ? weight(m, melLow, delta, s) : 0;
      falling[k] = down;
      rising[k] = up;
      if (down > 0) { // only when s > 0
        used[s - 1] = true;
      }
      if (up > 0) {
        used[s] = true;
      }
      if (first < 0 && (down > 0 || up > 0)) {
        first = k;
      }
    }
    while (s <= numBins) {
      segmentEnd[s++] = numFftBins;
    }
    for (int b = 0; b < numBins; b++) {
      if (!used[b]) {
        throw new IllegalArgumentException("mel bank " + b + " is empty: too many mel bins ("
            + numBins + ") for a " + paddedWindowSize + "-point FFT");
      }
    }
    this.firstFftBin = first; // some bin has weight: every bank was checked above
  }

  /** Kaldi's weight of bank b at mel m: the triangle max(0, min(up, down)). */
  private static double weight(double m, double melLow, double delta, int b) {
    double left = melLow + b * delta;
    double center = left + delta;
    double right = center + delta;
    double up = (m - left) / (center - left);
    double down = (right - m) / (right - center);
    return Math.max(0.0, Math.min(up, down));
  }

  int numBins() {
    return numBins;
  }

  /**
   * Energies of all banks into {@code out} from a power spectrum (paddedWindowSize / 2 bins; the
   * Nyquist bin is in no bank). Power first, then banks: computing the power inside this loop was
   * slower (measured).
   */
  void apply(double[] power, double[] out) {
    int k = firstFftBin;
    double risen = 0; // the rising half of bank s − 1, summed over segment s − 1
    for (int s = 0; s <= numBins; s++) {
      int end = segmentEnd[s];
      double down = 0;
      double up = 0;
      for (; k < end; k++) {
        double p = power[k];
        down += falling[k] * p;
        up += rising[k] * p;
      }
      if (s > 0) {
        out[s - 1] = risen + down;
      }
      risen = up;
    }
  }

  static double mel(double freq) {
    return 1127.0 * Math.log(1.0 + freq / 700.0);
  }
}
