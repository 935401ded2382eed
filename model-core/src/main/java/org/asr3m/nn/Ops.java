package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * Small tensor helpers DJL lacks or gets wrong.
 *
 * <p>Scalar arithmetic on arrays that autograd tracks must go through {@link #mul}/{@link #div}/
 * {@link #scalar}: DJL's {@code NDArray.mul(Number)} wraps the number in a tensor over a Java buffer
 * that it frees right after the call, while PyTorch's autograd keeps that tensor for the backward
 * pass, so the gradient later reads whatever reused the memory (seen: ×3 turning into ×1 after
 * other allocations). A scalar made by {@code full} on the device is owned by PyTorch and safe.
 * ({@code OpsTest} guards this.)
 */
public final class Ops {
  private Ops() {}

  /** torch.where with NumPy broadcasting (DJL's where needs equal shapes). */
  public static NDArray where(NDArray condition, NDArray x, NDArray y) {
    Shape s = broadcastShape(broadcastShape(condition.getShape(), x.getShape()), y.getShape());
    return NDArrays.where(fit(condition, s), fit(x, s), fit(y, s));
  }

  /**
   * A scalar of {@code like}'s type on its device. Made with {@code full} on the device rather than
   * {@code NDManager.create(value)}: a tensor created from a Java buffer that the autograd graph saves
   * was seen to be overwritten before backward ran.
   */
  public static NDArray scalar(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
  }

  /**
   * x in float32, recorded by autograd (DJL's toType is not: its cast runs without gradient). A
   * multiplication by a one-element float32 tensor promotes a float16 x and passes its gradient back.
   */
  public static NDArray toFloat32(NDArray x) {
    if (x.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      return x;
    }
    return x.mul(x.getManager().ones(new Shape(1), ai.djl.ndarray.types.DataType.FLOAT32, x.getDevice()));
  }

  /** x · v, safe under autograd (see class comment). */
  public static NDArray mul(NDArray x, double v) {
    return x.mul(scalar(x, (float) v));
  }

  /** x / v, safe under autograd (see class comment). */
  public static NDArray div(NDArray x, double v) {
    return x.div(scalar(x, (float) v));
  }

  /** x + v, safe under autograd (see class comment). */
  public static NDArray add(NDArray x, double v) {
    return x.add(scalar(x, (float) v));
  }

  /** Swish x·σ(x) without DJL's Number-scaled form (see class comment). */
  public static NDArray swish(NDArray x) {
    return x.mul(ai.djl.nn.Activation.sigmoid(x));
  }

  private static NDArray fit(NDArray a, Shape s) {
    return a.getShape().equals(s) ? a : a.broadcast(s);
  }

  static Shape broadcastShape(Shape a, Shape b) {
    int rank = Math.max(a.dimension(), b.dimension());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.dimension() ? 1 : a.get(i - (rank - a.dimension()));
      long db = i < rank - b.dimension() ? 1 : b.get(i - (rank - b.dimension()));
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }
}
