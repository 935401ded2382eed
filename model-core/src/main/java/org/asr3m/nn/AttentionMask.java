package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A boolean attention mask (true where a key may be attended) in the two forms attention applies,
 * made once per forward pass and shared by every layer: an additive bias, 0 or a negative number so
 * large that softmax gives the key exactly 0, and a 0/1 factor that also zeroes a query row with no
 * key at all. Per layer that is two native operators instead of the eight that masked_fill(−∞),
 * softmax and masked_fill(0) cost with DJL's explicit broadcasting, for the same result
 * (ModelReferenceTest against WeNet's fixtures; AttentionMaskTest for fully masked rows and fp16).
 */
public final class AttentionMask {
  private final NDArray keep;
  private final NDArray bias;

  private AttentionMask(NDArray keep, NDArray bias) {
    this.keep = keep;
    this.bias = bias;
  }

  /**
   * @param mask boolean (B, 1, T2) or (B, T1, T2), or null for no mask
   * @param type the attention scores' type
   * @return the mask's two forms, (B, 1, 1 or T1, T2) to broadcast over heads; null for null
   */
  public static AttentionMask of(NDArray mask, DataType type) {
    if (mask == null) {
      return null;
    }
    NDArray keep = mask.expandDims(1).toType(type, false);
    // half precision tops out at 65504; its softmax runs in float, where e^-10000 is already 0
    double masked = type == DataType.FLOAT16 ? -1e4 : -1e30;
    return new AttentionMask(keep, Ops.mul(Ops.add(keep, -1), -masked));
  }

  /** softmax(scores) over the last axis with masked keys at exactly 0 (and fully masked rows all 0). */
  NDArray softmax(NDArray scores) {
    return scores.add(bias).softmax(-1).mul(keep);
  }
}
