package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

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
    return norm(params, false);
  }

  /**
   * As {@link #norm(Collection)}; with {@code allCores} the per-tensor reductions are shared
   * between the JVM's worker threads (for a step that leaves cores idle: at 64 experts the
   * 1,311 reductions are mostly per-call overhead). The result is the same either way: each
   * tensor's norm is computed alone, and they are combined in parameter order.
   */
  static double norm(Collection<Parameter> params, boolean allCores) {
    List<Parameter> list = List.copyOf(params);
    NDArray[] norms = new NDArray[list.size()];
    IntStream indices = IntStream.range(0, norms.length);
    (allCores ? indices.parallel() : indices).forEach(i -> {
      try (NDArray g = list.get(i).getArray().getGradient()) {
        norms[i] = g.norm();
      }
    });
    // every intermediate is closed here: they live in the parameters' long-lived manager
    try (NDList all = new NDList(norms); NDArray stacked = NDArrays.stack(all); NDArray total = stacked.norm();
        NDArray wide = total.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
      return wide.getDouble();
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
