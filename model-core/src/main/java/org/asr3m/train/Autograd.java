package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records operations for backward passes on the calling thread, like DJL's gradient collector but
 * without its one-per-JVM rule: {@code PtGradientCollector} refuses to open while any other thread
 * holds one, so two runs training at once in one worker (one per slot or device) would fail. libtorch's
 * grad mode is thread-local, so each training thread can record on its own.
 */
public final class Autograd implements AutoCloseable {
  private final boolean previous;

  private Autograd() {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** Starts recording on this thread until {@link #close()}. */
  public static Autograd record() {
    return new Autograd();
  }

  /** d(target)/d(leaf) accumulated into every leaf's gradient; target is usually a scalar loss. */
  public void backward(NDArray target) {
    try (NDArray seed = target.getManager().ones(target.getShape(), target.getDataType(), target.getDevice())) {
      JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
    }
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
