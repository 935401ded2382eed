package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.util.Collection;

/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * Sets all gradients to zero. On the PyTorch engine this is the engine's own in-place zeroing
   * (a write-only pass that also clears NaN/∞); otherwise the gradients are overwritten without
   * leaving arrays behind (DJL's NDArray.set(index, value) allocates helper arrays in the
   * parameters' manager on every call).
   *
   * @param nonFinite the gradients may hold NaN/∞ (0·NaN stays NaN, so without the engine's zeroing
   *     they are overwritten from the host)
   */
  public static void zero(Collection<Parameter> params, boolean nonFinite) {
    for (Parameter p : params) {
      NDArray w = p.getArray();
      if (w instanceof ai.djl.pytorch.engine.PtNDArray pt) {
        ai.djl.pytorch.jni.JniUtils.zeroGrad(pt);
        continue;
      }
      try (NDArray g = w.getGradient()) {
        if (nonFinite) {
          g.set(new float[Math.toIntExact(g.size())]);
        } else {
          g.muli(0);
        }
      }
    }
  }

  /**
   * The joint L2 norm of all gradients: one reduction per parameter, no temporary copies (with
   * hundreds of expert tensors the gradient passes are a large part of a training step).
   */
  public static double norm(Collection<Parameter> params) {
    NDList norms = new NDList();
    for (Parameter p : params) {
      try (NDArray g = p.getArray().getGradient()) {
        norms.add(g.norm());
      }
    }
    // every intermediate is closed here: they live in the parameters' long-lived manager
    try (NDArray stacked = NDArrays.stack(norms); NDArray total = stacked.norm();
        NDArray wide = total.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
      return wide.getDouble();
    } finally {
      norms.close();
    }
  }

  /**
   * The factor torch.nn.utils.clip_grad_norm_ multiplies the gradients by: maxNorm / (norm + 1e-6)
   * when the norm exceeds maxNorm (and maxNorm &gt; 0), else 1. {@link Adam#update(double, double)}
   * applies it while it reads the gradients, which saves a read-write pass over all of them.
   */
  public static double scale(double norm, double maxNorm) {
    return maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
  }
}
