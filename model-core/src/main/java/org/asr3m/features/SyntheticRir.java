package org.asr3m.features;

import java.util.Arrays;
import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Synthetic room impulse responses: a direct path of amplitude 1 followed, after a pre-delay of
 * 1 ms to {@code maxPredelay}, by Gaussian noise whose energy decays by 60 dB over the
 * reverberation time RT60 (the statistical model of a diffuse late reverberation), scaled to a
 * direct-to-reverberant energy ratio (DRR). RT60, pre-delay and DRR are drawn uniformly per call;
 * the response is cut at RT60, where the tail is 60 dB down.
 *
 * <p>Real rooms (and reverberators such as sox's, whose comb filters damp high frequencies) decay
 * faster at high frequencies: air and soft surfaces absorb them. With an {@code hfRatio} range below
 * 1 the tail is split into four bands (below 1 kHz, 1-2, 2-4 kHz, above 4 kHz) whose RT60 falls
 * log-linearly from RT60 below 1 kHz to RT60 · r above 4 kHz, r drawn per response from the range.
 * The bands are complementary, so with r = 1 the tail would be the same white noise.
 *
 * @param minRt60 shortest reverberation time, seconds
 * @param maxRt60 longest reverberation time, seconds (at most {@link #MAX_SECONDS})
 * @param minDrrDb lowest direct-to-reverberant ratio, dB (far from the talker)
 * @param maxDrrDb highest direct-to-reverberant ratio, dB (close to the talker)
 * @param maxPredelay latest start of the reverberant tail after the direct sound, seconds (≥ 1 ms)
 * @param minHfRatio lowest ratio of the RT60 above 4 kHz to the RT60 below 1 kHz, in (0, 1]
 * @param maxHfRatio highest such ratio (1 and 1: no frequency dependence)
 */
public record SyntheticRir(double minRt60, double maxRt60, double minDrrDb, double maxDrrDb, double maxPredelay,
    double minHfRatio, double maxHfRatio) implements RirSource {
  public static final double MAX_SECONDS = 2.0;
  /** Longest pre-delay: beyond 100 ms a reflection is heard as an echo rather than as reverberation. */
  public static final double MAX_PREDELAY = 0.1;
  /** Latest start of the tail when none is given: 10 ms, as before pre-delays could be set. */
  public static final double DEFAULT_MAX_PREDELAY = 0.010;
  private static final double MIN_PREDELAY = 0.001;
  /** Upper edges of the lower three bands, Hz. */
  private static final double[] BAND_EDGES = {1000, 2000, 4000};

  public SyntheticRir {
    if (!(minRt60 > 0 && minRt60 <= maxRt60 && maxRt60 <= MAX_SECONDS)) {
      throw new IllegalArgumentException("RT60 range must satisfy 0 < min <= max <= " + MAX_SECONDS + " s, got "
          + minRt60 + ".." + maxRt60);
    }
    if (!(minDrrDb <= maxDrrDb)) {
      throw new IllegalArgumentException("DRR range " + minDrrDb + ".." + maxDrrDb + " dB is empty");
    }
    if (!(maxPredelay >= MIN_PREDELAY && maxPredelay <= MAX_PREDELAY)) {
      throw new IllegalArgumentException("pre-delay must be in [" + MIN_PREDELAY + ", " + MAX_PREDELAY + "] s, got "
          + maxPredelay);
    }
    if (!(minHfRatio > 0 && minHfRatio <= maxHfRatio && maxHfRatio <= 1)) {
      throw new IllegalArgumentException("high-frequency RT60 ratio range must satisfy 0 < min <= max <= 1, got "
          + minHfRatio + ".." + maxHfRatio);
    }
  }

  /** The same decay at every frequency, tail 1-10 ms after the direct sound. */
  public SyntheticRir(double minRt60, double maxRt60, double minDrrDb, double maxDrrDb) {
    this(minRt60, maxRt60, minDrrDb, maxDrrDb, DEFAULT_MAX_PREDELAY, 1, 1);
  }

  @Override
  public float[] rir(int sampleRate, Random random) {
    double rt60 = minRt60 + (maxRt60 - minRt60) * random.nextDouble();
    int length = Math.max(2, (int) Math.round(rt60 * sampleRate));
    int gap = 1 + (int) Math.round((MIN_PREDELAY + (maxPredelay - MIN_PREDELAY) * random.nextDouble()) * sampleRate);
    float[] h = new float[length + gap];
    double drr = minDrrDb + (maxDrrDb - minDrrDb) * random.nextDouble();
    h[0] = 1f;
    double[] tail = minHfRatio < 1 // min <= max, so a flat range is 1..1
        ? bandedTail(rt60, minHfRatio + (maxHfRatio - minHfRatio) * random.nextDouble(), length, sampleRate, random)
        : uniformTail(rt60, length, sampleRate, random);
    double energy = 0;
    for (double v : tail) {
      energy += v * v;
    }
    double scale = Math.sqrt(Math.pow(10, -drr / 10) / energy); // direct energy is 1
    for (int i = 0; i < length; i++) {
      h[gap + i] = (float) (scale * tail[i]);
    }
    return h;
  }

  /** White Gaussian noise under the amplitude envelope 10^(−3t/RT60): energy down 60 dB at t = RT60. */
  private static double[] uniformTail(double rt60, int length, int sampleRate, Random random) {
    double decayPerSample = Math.pow(10, -3.0 / (rt60 * sampleRate));
    double[] tail = new double[length];
    double a = 1;
    for (int i = 0; i < length; i++) {
      tail[i] = a * random.nextGaussian();
      a *= decayPerSample;
    }
    return tail;
  }

  /**
   * White Gaussian noise split by FFT into the four bands, band k decaying with RT60 · r^(k/3)
   * (RT60 below 1 kHz, RT60 · r above 4 kHz), summed.
   */
  private static double[] bandedTail(double rt60, double hfRatio, int length, int sampleRate, Random random) {
    int n = Integer.highestOneBit(length - 1) << 1; // a power of two ≥ length (length ≥ 2)
    double[] noise = new double[n];
    for (int i = 0; i < n; i++) {
      noise[i] = random.nextGaussian();
    }
    DoubleFFT_1D fft = Fft.of(n);
    fft.realForward(noise);
    double[] tail = new double[length];
    double[] band = new double[n];
    for (int k = 0; k <= BAND_EDGES.length; k++) {
      double lo = k == 0 ? 0 : BAND_EDGES[k - 1];
      double hi = k == BAND_EDGES.length ? Double.MAX_VALUE : BAND_EDGES[k];
      // realForward's layout: [Re 0, Re n/2, Re 1, Im 1, ..., Re n/2-1, Im n/2-1]
      Arrays.fill(band, 0);
      for (int bin = 0; bin <= n / 2; bin++) {
        double f = (double) bin * sampleRate / n;
        if (f < lo || f >= hi) {
          continue;
        }
        if (bin == 0) {
          band[0] = noise[0];
        } else if (bin == n / 2) {
          band[1] = noise[1];
        } else {
          band[2 * bin] = noise[2 * bin];
          band[2 * bin + 1] = noise[2 * bin + 1];
        }
      }
      fft.realInverse(band, true);
      double decayPerSample = Math.pow(10, -3.0 / (rt60 * Math.pow(hfRatio, k / 3.0) * sampleRate));
      double a = 1;
      for (int i = 0; i < length; i++) {
        tail[i] += a * band[i];
        a *= decayPerSample;
      }
    }
    return tail;
  }
}
