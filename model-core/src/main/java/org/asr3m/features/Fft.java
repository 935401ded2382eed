package org.asr3m.features;

import org.jtransforms.fft.DoubleFFT_1D;
import org.visnow.jlargearrays.ConcurrencyUtils;

/**
 * JTransforms FFTs that run on the calling thread. By default JTransforms splits long transforms
 * over its own pool: the loader threads already work on one utterance each, so that pool only
 * competed with them and with libtorch for the cores, and a loader stopped mid-epoch (a cancelled
 * run) made it log an InterruptedException with a stack trace for every transform in flight.
 */
final class Fft {
  static {
    ConcurrencyUtils.setNumberOfThreads(1);
  }

  private Fft() {}

  static DoubleFFT_1D of(int n) {
    return new DoubleFFT_1D(n);
  }
}
