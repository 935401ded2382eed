package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Overwrites a whole tensor with host values, in its own storage, on any device.
 *
 * <p>DJL's {@code NDArray.set(float[])} on the PyTorch engine goes through a native call that opens
 * libtorch's deprecated {@code AutoNonVariableTypeMode} guard, and libtorch then prints
 * "Warning: AutoNonVariableTypeMode is deprecated…" on stderr (once per process, but in every
 * command that loads CMVN statistics or a checkpoint; users read it as an error). It also makes a
 * Java direct buffer the tensor's storage. Here the values go into a temporary tensor which is
 * copied with a full-range slice assignment ({@code tensor[0:n0, 0:n1, …] = values}, libtorch's
 * {@code copy_}), which opens no such guard and works across devices.
 */
public final class InPlaceCopy {
  private InPlaceCopy() {}

  /** {@code target ← values} (row-major, {@code values.length == target.size()}). */
  public static void copy(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException(values.length + " values for a tensor of " + target.size());
    }
    int rank = target.getShape().dimension();
    if (!(target instanceof PtNDArray pt) || rank == 0) {
      target.set(values); // another engine, or a scalar (no slice to assign through)
      return;
    }
    try (NDManager scratch = target.getManager().newSubManager()) {
      NDArray src = scratch.create(values, target.getShape()).toType(target.getDataType(), false);
      long[] min = new long[rank];
      long[] max = target.getShape().getShape();
      long[] step = new long[rank];
      java.util.Arrays.fill(step, 1);
      JniUtils.indexSet(pt, (PtNDArray) src, min, max, step);
    }
  }
}
