package org.asr3m.features;

/**
 * Kaldi-compatible log-mel filterbank, computed as {@code torchaudio.compliance.kaldi.fbank} does
 * with WeNet's settings: per frame dither → DC removal → pre-emphasis → povey window → zero-pad to
 * a power of two → power spectrum → triangular mel banks → log (floored at float epsilon).
 * The waveform is scaled to the int16 range first, as Kaldi sees 16-bit audio.
 *
 * <p>Frames go through the FFT in blocks ({@link FrameFft}). Not thread-safe (it reuses its buffers);
 * use one instance per thread.
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
  private final FrameFft fft;
  /** A block of windowed frames, zero past windowSize in every row (only the FFT reads it). */
  private final float[] frames;
  private final float[] spectra;
  /** One frame's samples in the int16 range, with dither. */
  private final double[] scaled;
  private final double[] power;
  private final double[] energies;
  private final Gaussian dither;

  public Fbank(FbankOptions options) {
    this(options, 0L);
  }

  /** @param ditherSeed seed of the dither noise, so training runs are reproducible */
  public Fbank(FbankOptions options, long ditherSeed) {
    this(options, ditherSeed, FrameFft::of);
  }

  /** With a chosen FFT (tests compare the implementations). */
  Fbank(FbankOptions options, long ditherSeed, java.util.function.IntFunction<FrameFft> ffts) {
    this.options = options;
    this.windowSize = options.windowSize();
    this.windowShift = options.windowShift();
    this.paddedSize = Integer.highestOneBit(windowSize - 1) << 1;
    this.window = poveyWindow(windowSize);
    this.banks = MelBanks.of(options.numMelBins(), paddedSize, options.sampleRate(), options.lowFreq(),
        options.highFreq());
    this.fft = ffts.apply(paddedSize);
    this.frames = new float[fft.blockSize() * paddedSize];
    this.spectra = new float[fft.blockSize() * (paddedSize + 2)];
    this.scaled = new double[windowSize];
    this.power = new double[paddedSize / 2];
    this.energies = new double[banks.numBins()];
    this.dither = new Gaussian(ditherSeed);
  }

  public FbankOptions options() {
    return options;
  }

  /** Which FFT computes the spectra, for benchmark headers. */
  public String fftDescription() {
    return fft.describe();
  }

  /**
   * Features of normalised samples ([-1, 1]).
   *
   * @return frames × numMelBins; zero frames if the audio is shorter than one window
   */
  public float[][] compute(float[] samples) {
    int numFrames = options.numFrames(samples.length);
    float[][] out = new float[numFrames][];
    int block = fft.blockSize();
    for (int first = 0; first < numFrames; first += block) {
      int count = Math.min(block, numFrames - first);
      for (int j = 0; j < count; j++) {
        windowFrame(samples, (first + j) * windowShift, j * paddedSize);
      }
      fft.forward(frames, count, spectra);
      for (int j = 0; j < count; j++) {
        out[first + j] = melFrame(j * (paddedSize + 2));
      }
    }
    return out;
  }

  /** Dither, DC removal, pre-emphasis and the window, into row {@code to} of the frame block. */
  private void windowFrame(float[] samples, int offset, int to) {
    int n = windowSize;
    double[] raw = scaled;
    double sum;
    if (options.dither() > 0) {
      sum = 0;
      for (int i = 0; i < n; i++) {
        double v = samples[offset + i] * 32768.0 + dither.next() * options.dither();
        raw[i] = v;
        sum += v;
      }
    } else {
      // four partial sums: one running sum is a chain of dependent adds, the slowest loop here
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int i = 0;
      for (; i + 3 < n; i += 4) {
        double v0 = samples[offset + i] * 32768.0;
        double v1 = samples[offset + i + 1] * 32768.0;
        double v2 = samples[offset + i + 2] * 32768.0;
        double v3 = samples[offset + i + 3] * 32768.0;
        raw[i] = v0;
        raw[i + 1] = v1;
        raw[i + 2] = v2;
        raw[i + 3] = v3;
        s0 += v0;
        s1 += v1;
        s2 += v2;
        s3 += v3;
      }
      for (; i < n; i++) {
        double v = samples[offset + i] * 32768.0;
        raw[i] = v;
        s0 += v;
      }
      sum = s0 + s1 + s2 + s3;
    }
    double mean = sum / n;
    double c = options.preemphasis();
    // (x[i] − mean) − c (x[i − 1] − mean) = x[i] − c x[i − 1] − (1 − c) mean
    double shift = (1 - c) * mean;
    float[] f = frames;
    f[to] = (float) ((raw[0] - mean) * (1 - c) * window[0]);
    for (int i = 1; i < n; i++) {
      f[to + i] = (float) ((raw[i] - c * raw[i - 1] - shift) * window[i]);
    }
  }

  /** Power spectrum → mel banks → log, for the spectrum at {@code from} in the block. */
  private float[] melFrame(int from) {
    float[] s = spectra;
    double[] p = power;
    for (int k = 0; k < p.length; k++) {
      double re = s[from + 2 * k];
      double im = s[from + 2 * k + 1];
      p[k] = re * re + im * im;
    }
    banks.apply(p, energies);
    float[] mel = new float[energies.length];
    for (int b = 0; b < mel.length; b++) {
      mel[b] = (float) NaturalLog.of(Math.max(energies[b], LOG_FLOOR));
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
