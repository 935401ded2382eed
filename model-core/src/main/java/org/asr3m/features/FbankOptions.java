package org.asr3m.features;

/**
 * Kaldi filterbank settings. Defaults are WeNet's ({@code compute_fbank}): 80 bins, 25 ms window,
 * 10 ms shift, povey window, pre-emphasis 0.97, DC removal, snip edges, energy floor 0.
 *
 * @param numMelBins number of mel bins
 * @param frameLengthMs window length in milliseconds
 * @param frameShiftMs hop in milliseconds
 * @param dither Gaussian dither added to int16-range samples (WeNet trains with 1.0, decodes with 0)
 * @param sampleRate expected sample rate
 * @param lowFreq low cut-off of the mel banks in Hz
 * @param highFreq high cut-off in Hz; zero or negative is relative to Nyquist
 * @param preemphasis pre-emphasis coefficient
 */
public record FbankOptions(int numMelBins, double frameLengthMs, double frameShiftMs, double dither,
    int sampleRate, double lowFreq, double highFreq, double preemphasis) {

  public static final FbankOptions WENET = new FbankOptions(80, 25.0, 10.0, 0.0, 16000, 20.0, 0.0, 0.97);

  public FbankOptions {
    if (numMelBins < 3) {
      throw new IllegalArgumentException("num_mel_bins must be at least 3, got " + numMelBins);
    }
    if (frameShiftMs <= 0 || frameLengthMs < frameShiftMs) {
      throw new IllegalArgumentException("need 0 < frame_shift <= frame_length, got shift " + frameShiftMs
          + " ms, length " + frameLengthMs + " ms");
    }
    if (dither < 0) {
      throw new IllegalArgumentException("dither must be >= 0, got " + dither);
    }
  }

  public FbankOptions withDither(double value) {
    return new FbankOptions(numMelBins, frameLengthMs, frameShiftMs, value, sampleRate, lowFreq, highFreq,
        preemphasis);
  }


  public int windowSize() {
    return (int) (sampleRate * 0.001 * frameLengthMs);
  }

  public int windowShift() {
    return (int) (sampleRate * 0.001 * frameShiftMs);
  }

  /** Kaldi's snip-edges frame count for {@code numSamples} samples (0 if shorter than one window). */
  public int numFrames(int numSamples) {
    return numSamples < windowSize() ? 0 : 1 + (numSamples - windowSize()) / windowShift();
  }
}
