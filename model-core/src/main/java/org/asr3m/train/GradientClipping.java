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
    try (NDArray total = NDArrays.stack(squares).sum().sqrt()) {
      norm = total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
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
