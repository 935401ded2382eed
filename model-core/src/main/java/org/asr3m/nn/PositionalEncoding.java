package org.asr3m.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Sinusoidal position table, pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(…), built on
 * the device of the input so no host copy happens inside a training step.
 */
public final class PositionalEncoding {
  private PositionalEncoding() {}

  /** (1, len, dim) table for positions offset … offset+len−1. */
  public static NDArray table(NDManager m, Device device, long offset, long len, int dim) {
    NDArray pos = m.arange((float) offset, (float) (offset + len), 1f, DataType.FLOAT32, device).expandDims(1);
    NDArray div = m.arange(0f, (float) dim, 2f, DataType.FLOAT32, device)
        .mul((float) (-Math.log(10000.0) / dim)).exp().expandDims(0);
    NDArray angle = pos.mul(div); // (len, dim/2)
    return NDArrays.stack(new NDList(angle.sin(), angle.cos()), 2).reshape(1, len, dim);
  }

  /** Absolute encoding (decoder): x·√d + pe. */
  public static NDArray addAbsolute(NDArray x, long offset) {
    int dim = (int) x.getShape().get(2);
    NDArray pe = table(x.getManager(), x.getDevice(), offset, x.getShape().get(1), dim).toType(x.getDataType(), false);
    return Ops.mul(x, Math.sqrt(dim)).add(pe);
  }
}
