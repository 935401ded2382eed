package org.asr3m.loss;

import org.asr3m.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Attention-decoder loss: KL divergence to a label-smoothed target distribution (WeNet's
 * LabelSmoothingLoss). The target gets 1 − ε, every other unit ε/(V − 1); positions whose target
 * is {@link #IGNORE_ID} (padding) are skipped. Normalised by the batch size, or by the number of
 * target tokens when {@code normalizeLength} (WeNet's {@code length_normalized_loss}).
 */
public final class LabelSmoothingLoss {
  /** Padding value of target sequences. */
  public static final int IGNORE_ID = -1;

  private final int vocab;
  private final float smoothing;
  private final boolean normalizeLength;

  public LabelSmoothingLoss(int vocab, float smoothing, boolean normalizeLength) {
    if (smoothing < 0 || smoothing >= 1) {
      throw new IllegalArgumentException("lsm_weight must be in [0, 1), got " + smoothing);
    }
    this.vocab = vocab;
    this.smoothing = smoothing;
    this.normalizeLength = normalizeLength;
  }

  /**
   * @param logits (B, L, V) decoder scores
   * @param target (B, L) target ids, {@link #IGNORE_ID} where padded
   */
  public NDArray loss(NDArray logits, NDArray target) {
    long batch = logits.getShape().get(0);
    // fp16 compute (use_amp): the loss itself in fp32, as autocast does for log_softmax and losses
    NDArray logp = (logits.getDataType() == DataType.FLOAT16 ? Ops.toFloat32(logits) : logits).logSoftmax(2);
    NDArray tgt = target.toType(DataType.INT64, false);
    NDArray valid = tgt.neq((long) IGNORE_ID);
    NDArray safe = Ops.where(valid, tgt, tgt.zerosLike());
    NDArray logpTarget = logp.gather(safe.expandDims(2), 2).squeeze(2); // (B, L)
    double confidence = 1.0 - smoothing;
    double other = smoothing / (vocab - 1);
    // Σ_k q_k log q_k is constant per position; Σ_k q_k log p_k splits into a uniform and a target part
    double entropyTerm = xlogx(confidence) + (vocab - 1) * xlogx(other);
    NDArray crossTerm = Ops.mul(logp.sum(new int[] {2}), other).add(Ops.mul(logpTarget, confidence - other));
    NDArray kl = Ops.add(crossTerm.neg(), entropyTerm);
    kl = Ops.where(valid, kl, kl.zerosLike());
    NDArray total = kl.sum();
    if (normalizeLength) {
      return total.div(valid.toType(total.getDataType(), false).sum().maximum(1f));
    }
    return Ops.div(total, batch);
  }

  /** Fraction of non-padding positions whose argmax is the target (WeNet's th_accuracy). */
  public static NDArray accuracy(NDArray logits, NDArray target) {
    NDArray tgt = target.toType(DataType.INT64, false);
    NDArray valid = tgt.neq((long) IGNORE_ID);
    NDArray hit = logits.argMax(2).eq(tgt).logicalAnd(valid);
    return hit.toType(DataType.FLOAT32, false).sum().div(valid.toType(DataType.FLOAT32, false).sum().maximum(1f));
  }

  private static double xlogx(double x) {
    return x <= 0 ? 0 : x * Math.log(x);
  }
}
