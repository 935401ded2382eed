package org.asr3m.features;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Kaldi-compatible log-mel filterbank, computed as {@code torchaudio.compliance.kaldi.fbank} does
 * with WeNet's settings: per frame dither → DC removal → pre-emphasis → povey window → zero-pad to
 * a power of two → power spectrum → triangular mel banks → log (floored at float epsilon).
 * The waveform is scaled to the int16 range first, as Kaldi sees 16-bit audio.
 *
 * <p>Not thread-safe (it reuses its FFT buffers); use one instance per thread.
 */
public final class Fbank {
  /** torch.finfo(float32).eps, the floor torchaudio applies before the log. */
  private static final double LOG_FLOOR = 1.1920928955078125e-07;

  private final FbankOptions options;
  private final int windowSize;
  private final int windowShift;
  private final int paddedSize;
  private final double[] window;
  private final MelBanks banks;
  private final DoubleFFT_1D fft;
  private final double[] frame;
  private final double[] power;
  private final Gaussian dither;

  public Fbank(FbankOptions options) {
    this(options, 0L);
  }

  /** @param ditherSeed seed of the dither noise, so training runs are reproducible */
  public Fbank(FbankOptions options, long ditherSeed) {
    this.options = options;
    this.windowSize = options.windowSize();
    this.windowShift = options.windowShift();
    this.paddedSize = Integer.highestOneBit(windowSize - 1) << 1;
    this.window = poveyWindow(windowSize);
    this.banks = MelBanks.of(options.numMelBins(), paddedSize, options.sampleRate(), options.lowFreq(),
        options.highFreq());
    this.fft = Fft.of(paddedSize);
    this.frame = new double[paddedSize];
    this.power = new double[paddedSize / 2 + 1];
    this.dither = new Gaussian(ditherSeed);
  }

  public FbankOptions options() {
    return options;
  }

  /**
   * Features of normalised samples ([-1, 1]).
   *
   * @return frames × numMelBins; zero frames if the audio is shorter than one window
   */
  public float[][] compute(float[] samples) {
    int numFrames = options.numFrames(samples.length);
    float[][] out = new float[numFrames][];
    for (int f = 0; f < numFrames; f++) {
      out[f] = computeFrame(samples, f * windowShift);
    }
    return out;
  }

  private float[] computeFrame(float[] samples, int offset) {
    double[] x = frame;
    double sum = 0;
    for (int i = 0; i < windowSize; i++) {
      double v = samples[offset + i] * 32768.0;
      if (options.dither() > 0) {
        v += dither.next() * options.dither();
      }
      x[i] = v;
      sum += v;
    }
    double mean = sum / windowSize;
    for (int i = 0; i < windowSize; i++) {
      x[i] -= mean;
    }
    double coeff = options.preemphasis();
    if (coeff != 0) {
      for (int i = windowSize - 1; i > 0; i--) {
        x[i] -= coeff * x[i - 1];
      }
      x[0] -= coeff * x[0];
    }
    for (int i = 0; i < windowSize; i++) {
      x[i] *= window[i];
    }
    java.util.Arrays.fill(x, windowSize, paddedSize, 0.0);
    fft.realForward(x);
    // JTransforms packs: x[0]=Re(0), x[1]=Re(n/2), then (Re(k), Im(k)) pairs
    int half = paddedSize / 2;
    power[0] = x[0] * x[0];
    power[half] = x[1] * x[1];
    for (int k = 1; k < half; k++) {
      double re = x[2 * k];
      double im = x[2 * k + 1];
      power[k] = re * re + im * im;
    }
    float[] mel = new float[banks.numBins()];
    for (int b = 0; b < mel.length; b++) {
      mel[b] = (float) Math.log(Math.max(banks.apply(b, power), LOG_FLOOR));
    }
    return mel;
  }

  /** Kaldi's "povey" window: a Hann window raised to 0.85 (non-periodic). */
  static double[] poveyWindow(int size) {
    double[] w = new double[size];
    double a = 2 * Math.PI / (size - 1);
    for (int i = 0; i < size; i++) {
      w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
    }
    return w;
  }
}
