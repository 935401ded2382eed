package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.asr3m.nn.Ops;

/**
 * The MoE training loss, eq. (10) of the 3M paper: L_MoE = α·L_s + β·L_m + γ·L_e, with L_s and
 * L_m summed over the MoE layers (as the reference code does) and L_e the CTC loss of the shared
 * embedding network. The paper (and the tiny/WenetSpeech recipes) use α = β = 0.15, γ = 0.01.
 *
 * @param total the weighted sum
 * @param sparsity Σ_layers L_s (unweighted, for logging)
 * @param importance Σ_layers L_m (unweighted)
 */
public record MoeLoss(NDArray total, NDArray sparsity, NDArray importance) {

  /**
   * @param routing what each MoE layer reported in this forward pass
   * @param embeddingCtc L_e, or null without an embedding network
   */
  public static MoeLoss of(List<MoeRouting> routing, NDArray embeddingCtc, double alpha, double beta,
      double gamma) {
    NDArray ls = null;
    NDArray lm = null;
    for (MoeRouting r : routing) {
      NDArray s = SparsityL1Loss.of(r.probs(), r.valid());
      NDArray i = MeanImportanceLoss.of(r.probs(), r.valid());
      ls = ls == null ? s : ls.add(s);
      lm = lm == null ? i : lm.add(i);
    }
    NDArray total = null;
    if (ls != null) {
      total = Ops.mul(ls, alpha).add(Ops.mul(lm, beta));
    }
    if (embeddingCtc != null) {
      NDArray e = Ops.mul(embeddingCtc, gamma);
      total = total == null ? e : total.add(e);
    }
    return new MoeLoss(total, ls, lm);
  }
}
