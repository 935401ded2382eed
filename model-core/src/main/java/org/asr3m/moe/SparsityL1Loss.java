package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import org.asr3m.nn.Ops;

/**
 * Sparsity L1 loss, eq. (8) of the 3M paper (SpeechMoE): L_s = (1/k) Σ_j ‖p̂_j‖₁, where p̂_j is
 * frame j's router distribution scaled to unit L2 norm and k the number of frames. It is smallest
 * (1) when each frame puts all its probability on one expert. Padding frames are left out (the
 * reference code includes them; we do not, so a batch's padding cannot change the loss).
 */
public final class SparsityL1Loss {
  private SparsityL1Loss() {}

  /**
   * @param probs (F, N) router probabilities
   * @param valid (F,) 1 for real frames, 0 for padding
   */
  public static NDArray of(NDArray probs, NDArray valid) {
    NDArray unit = probs.div(Ops.add(probs.norm(new int[] {1}, true), 1e-12)); // p̂_j = p_j / ‖p_j‖₂
    NDArray l1 = unit.abs().sum(new int[] {1}); // ‖p̂_j‖₁
    return l1.mul(valid).sum().div(valid.sum().maximum(1f));
  }
}
