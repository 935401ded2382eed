package org.asr3m.features;


/** Linear convolution through the FFT (an impulse response of 0.5 s has 8,000 taps: direct is too slow). */
public final class Convolution {
  private Convolution() {}

  /** The full linear convolution of {@code x} and {@code h}: x.length + h.length - 1 samples. */
  public static double[] full(float[] x, float[] h) {
    int outLen = x.length + h.length - 1;
    int n = Integer.highestOneBit(Math.max(1, outLen - 1)) << 1;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < x.length; i++) {
      a[i] = x[i];
    }
    for (int i = 0; i < h.length; i++) {
      b[i] = h[i];
    }
    var fft = Fft.of(n);
    fft.realForward(a);
    fft.realForward(b);
    // packed real spectra: a[0] = DC, a[1] = Nyquist, then (re, im) pairs
    a[0] *= b[0];
    a[1] *= b[1];
    for (int k = 1; k < n / 2; k++) {
      double re = a[2 * k] * b[2 * k] - a[2 * k + 1] * b[2 * k + 1];
      double im = a[2 * k] * b[2 * k + 1] + a[2 * k + 1] * b[2 * k];
      a[2 * k] = re;
      a[2 * k + 1] = im;
    }
    fft.realInverse(a, true);
    return java.util.Arrays.copyOf(a, outLen);
  }
}
