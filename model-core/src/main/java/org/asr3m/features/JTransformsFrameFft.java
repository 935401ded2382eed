package org.asr3m.features;

import org.jtransforms.fft.DoubleFFT_1D;

/** {@link FrameFft} with JTransforms' double-precision real FFT, one frame at a time: runs anywhere. */
final class JTransformsFrameFft implements FrameFft {
  private static final int BLOCK = 32;

  private final int n;
  private final DoubleFFT_1D fft;
  private final double[] frame;

  JTransformsFrameFft(int n) {
    this.n = n;
    this.fft = Fft.of(n);
    this.frame = new double[n];
  }

  @Override
  public int blockSize() {
    return BLOCK;
  }

  @Override
  public void forward(float[] in, int count, float[] out) {
    int half = n / 2;
    for (int j = 0; j < count; j++) {
      int from = j * n;
      for (int i = 0; i < n; i++) {
        frame[i] = in[from + i];
      }
      fft.realForward(frame);
      // JTransforms packs: frame[0] = Re(0), frame[1] = Re(n/2), then (Re(k), Im(k)) pairs
      int to = j * (n + 2);
      out[to] = (float) frame[0];
      out[to + 1] = 0;
      for (int i = 2; i < n; i++) {
        out[to + i] = (float) frame[i];
      }
      out[to + 2 * half] = (float) frame[1];
      out[to + 2 * half + 1] = 0;
    }
  }

  @Override
  public String describe() {
    return "JTransforms (double, one frame at a time)";
  }
}
