package org.asr3m.features;

/**
 * Real FFT of a block of equally long frames, as the filterbank needs it: frame j occupies
 * {@code in[j·n, (j+1)·n)}; its n/2 + 1 complex bins go to {@code out[j·(n+2), (j+1)·(n+2))} as (re, im)
 * pairs. One instance per thread (implementations keep buffers).
 */
interface FrameFft {
  /** Most frames one call takes. */
  int blockSize();

  /** Spectra of the first {@code count} ≤ {@link #blockSize()} frames of {@code in}. */
  void forward(float[] in, int count, float[] out);

  /** Which implementation, for benchmark headers and logs. */
  String describe();

  /**
   * MKL's batched FFT where libtorch brings one (x86-64 Linux), else JTransforms; {@code
   * -Dasr3m.fbank-fft=jtransforms} keeps JTransforms everywhere.
   */
  static FrameFft of(int n) {
    return MklFrameFft.create(n).map(f -> (FrameFft) f).orElseGet(() -> new JTransformsFrameFft(n));
  }
}
