package org.asr3m.loss;

import ai.djl.ndarray.NDArray;
import org.asr3m.nn.Ops;
import java.util.List;

/**
 * Multi-loss objective of the 3M paper, eq. (11): L_joint = η·L_ctc + (1 − η)·Σ_j L_aed_j, where
 * j runs over the decoder levels (one for a plain Conformer, three with the multi-level decoders
 * at 1/3 and 2/3 depth). With η = ctc_weight this is WeNet's CTC/attention loss.
 */
public final class JointLoss {
  private JointLoss() {}

  /**
   * @param eta η, the CTC weight (model_conf.ctc_weight)
   * @param ctc L_ctc (scalar), or null when η = 1 … decoders are then optional
   * @param aedLevels L_aed of each decoder level (scalars)
   */
  public static NDArray combine(float eta, NDArray ctc, List<NDArray> aedLevels) {
    NDArray total = null;
    if (eta > 0) {
      total = Ops.mul(ctc, eta);
    }
    if (eta < 1) {
      for (NDArray aed : aedLevels) {
        NDArray term = Ops.mul(aed, 1 - eta);
        total = total == null ? term : total.add(term);
      }
    }
    if (total == null) {
      throw new IllegalArgumentException("joint loss has no terms: ctc_weight " + eta + " and no decoder");
    }
    return total;
  }

  /** One decoder level's loss with WeNet's bidirectional mixing: (1 − r)·L_l2r + r·L_r2l. */
  public static NDArray attention(NDArray leftToRight, NDArray rightToLeft, float reverseWeight) {
    if (rightToLeft == null || reverseWeight == 0) {
      return leftToRight;
    }
    return Ops.mul(leftToRight, 1 - reverseWeight).add(Ops.mul(rightToLeft, reverseWeight));
  }
}
