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
   * Sets all gradients to zero without leaving arrays behind (DJL's NDArray.set(index, value)
   * allocates helper arrays in the parameters' manager on every call).
   *
   * @param nonFinite the gradients may hold NaN/∞ (0·NaN stays NaN, so they are overwritten from the host)
   */
  public static void zero(Collection<Parameter> params, boolean nonFinite) {
    for (Parameter p : params) {
      try (NDArray g = p.getArray().getGradient()) {
        if (nonFinite) {
          g.set(new float[Math.toIntExact(g.size())]);
        } else {
          g.muli(0);
        }
      }
    }
  }

  /**
   * Scales all gradients so their joint L2 norm is at most {@code maxNorm}.
   *
   * @return the norm before clipping (non-finite means the caller should skip the update, as WeNet does)
   */
  public static double clip(Collection<Parameter> params, double maxNorm) {
    NDList squares = new NDList();
    for (Parameter p : params) {
      try (NDArray g = p.getArray().getGradient(); NDArray sq = g.square()) {
        squares.add(sq.sum());
      }
    }
    double norm;
    // every intermediate is closed here: they live in the parameters' long-lived manager
    try (NDArray stacked = NDArrays.stack(squares); NDArray sum = stacked.sum(); NDArray total = sum.sqrt();
        NDArray wide = total.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
      norm = wide.getDouble();
    } finally {
      squares.close();
    }
    if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
      double scale = maxNorm / (norm + 1e-6);
      for (Parameter p : params) {
        try (NDArray g = p.getArray().getGradient()) {
          g.muli(scale);
        }
      }
    }
    return norm;
  }
}
