package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import org.asr3m.nn.Ops;

/**
 * Mean importance loss, eq. (9) of the 3M paper (SpeechMoE): L_m = n Σ_i ((1/k) Σ_j p_ij)², the
 * scaled squared mean router probability of each expert over the k frames. It is smallest (1)
 * when the experts are used equally, which keeps routing from collapsing onto a few experts.
 * Padding frames are left out.
 */
public final class MeanImportanceLoss {
  private MeanImportanceLoss() {}

  /**
   * @param probs (F, N) router probabilities
   * @param valid (F,) 1 for real frames, 0 for padding
   */
  public static NDArray of(NDArray probs, NDArray valid) {
    long n = probs.getShape().get(1);
    NDArray importance = probs.mul(valid.expandDims(1)).sum(new int[] {0}).div(valid.sum().maximum(1f)); // (N,)
    return Ops.mul(importance.square().sum(), n);
  }
}
