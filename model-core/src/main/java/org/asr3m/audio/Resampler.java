package org.asr3m.audio;

/**
 * Band-limited resampling by polyphase windowed-sinc interpolation (Hann window, 6 zero crossings,
 * roll-off 0.99): the same filter as torchaudio's default {@code functional.resample}, so results
 * agree with it to float precision. Cost per output sample is O(filter width), independent of
 * the signal length.
 */
public final class Resampler {
  private static final int LOWPASS_FILTER_WIDTH = 6;
  private static final double ROLLOFF = 0.99;

  private final int orig;
  private final int target;
  private final int width;
  /** kernels[phase][tap], phase = output index mod target. */
  private final float[][] kernels;

  public Resampler(int origRate, int targetRate) {
    if (origRate <= 0 || targetRate <= 0) {
      throw new IllegalArgumentException("sample rates must be positive: " + origRate + " -> " + targetRate);
    }
    int gcd = gcd(origRate, targetRate);
    this.orig = origRate / gcd;
    this.target = targetRate / gcd;
    double baseFreq = Math.min(orig, target) * ROLLOFF;
    this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq);
    int taps = 2 * width + orig;
    this.kernels = new float[target][taps];
    double scale = baseFreq / orig;
    for (int phase = 0; phase < target; phase++) {
      for (int k = 0; k < taps; k++) {
        // time (in units of the low-pass period) between output sample and input tap
        double t = (-(double) phase / target + (double) (k - width) / orig) * baseFreq;
        t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
        double window = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
        window *= window;
        double x = t * Math.PI;
        double sinc = x == 0 ? 1.0 : Math.sin(x) / x;
        kernels[phase][k] = (float) (sinc * window * scale);
      }
    }
  }

  public static float[] resample(float[] input, int origRate, int targetRate) {
    if (origRate == targetRate) {
      return input.clone();
    }
    return new Resampler(origRate, targetRate).apply(input);
  }

  /** Samples {@link #resample} returns for {@code n} input samples (lengths can be planned without resampling). */
  public static int outputLength(int n, int origRate, int targetRate) {
    if (origRate == targetRate) {
      return n;
    }
    int gcd = gcd(origRate, targetRate);
    return (int) Math.ceil((double) (targetRate / gcd) * n / (origRate / gcd));
  }

  public float[] apply(float[] input) {
    int n = input.length;
    int outLen = (int) Math.ceil((double) target * n / orig);
    float[] out = new float[outLen];
    int taps = kernels[0].length;
    for (int block = 0, o = 0; o < outLen; block++) {
      int start = block * orig - width; // first input index under the kernel (zero padded outside)
      for (int phase = 0; phase < target && o < outLen; phase++, o++) {
        float[] kernel = kernels[phase];
        int kFrom = Math.max(0, -start);
        int kTo = Math.min(taps, n - start);
        double acc = 0;
        for (int k = kFrom; k < kTo; k++) {
          acc += kernel[k] * input[start + k];
        }
        out[o] = (float) acc;
      }
    }
    return out;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
