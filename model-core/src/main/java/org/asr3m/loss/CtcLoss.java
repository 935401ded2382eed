package org.asr3m.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.asr3m.nn.Ops;

/**
 * Connectionist Temporal Classification loss (blank = 0), which DJL lacks.
 *
 * <p>Forward (α) and backward (β) recursions run over the extended label sequence
 * l' = (blank, y1, blank, y2, …, blank) ({@link Alignment}). The gradient with respect to the
 * unnormalised logits is analytic: ∂(−log P)/∂z_tk = softmax(z)_tk − Σ_{s: l'_s = k} γ_t(s), with
 * γ the state occupancy. DJL has no custom-backward hook, so {@link #loss} injects that gradient
 * through the surrogate −Σ γ·log softmax(z)[l'_s] (γ constant): its autograd gradient is exactly
 * the one above, and costs autograd's gather and log-softmax backward — two passes over (B, T, V),
 * what PyTorch's CTC backward does too — while the reported value is the true loss.
 *
 * <p>Where the time goes: the recursions are O(T·S) tiny steps per utterance. Run as device
 * operations over the batch (the first design) every step was a dozen JNI calls and small tensor
 * allocations: 5× slower than torch.nn.CTCLoss, and slower with more threads. Here the device does
 * only the dense work over (B, T, V) — log-softmax forward and backward — plus a gather of the
 * (B, T, S) emissions, which go to the host for the recursions (plain double loops per utterance)
 * while γ comes back as one (B, T, S) array ({@link CtcPosteriors}).
 *
 * <p>Infeasible alignments (target too long for the input once repeats need blanks) have
 * P = 0: their loss is +∞ and, as with {@code zero_infinity}, they contribute neither loss nor
 * gradient to {@link #loss}; {@link Result#losses()} still reports the ∞ so callers can count them.
 * Frames beyond an utterance's input length get zero gradient.
 */
public final class CtcLoss {
  private CtcLoss() {}

  /**
   * Per-utterance losses and the gradient of their (finite) sum.
   *
   * @param losses (B,) −log P(y|x), +∞ where infeasible
   * @param gradient (B, T, V) ∂ Σ_finite losses / ∂ logits
   */
  public record Result(NDArray losses, NDArray gradient) {}

  /**
   * Computes losses and the dense gradient without recording anything for autograd (the reference
   * interface: {@code asr3m ctc-loss}, tests). The recursions run in double precision; the
   * gradient has the logits' type (use float64 for reference checks).
   *
   * @param logits (B, T, V) unnormalised scores
   * @param inputLengths (B,) valid frames per utterance
   * @param targets (B, L) label ids ≥ 1, padded with anything beyond targetLengths
   * @param targetLengths (B,) labels per utterance (0 allowed)
   */
  public static Result compute(NDArray logits, NDArray inputLengths, NDArray targets, NDArray targetLengths) {
    NDManager outer = logits.getManager();
    try (NDManager m = outer.newSubManager(logits.getDevice())) {
      NDArray z = logits.stopGradient();
      z.attach(m);
      CtcPosteriors p = CtcPosteriors.of(z, inputLengths, targets, targetLengths, m);
      // softmax · Σ_s γ − Σ_{s: l'_s = k} γ, the latter scattered into the class columns on the device
      NDArray mass = CtcPosteriors.toDevice(p.frameMass(), new Shape(p.b, p.t, 1), z, m);
      NDArray totals = CtcPosteriors.toDevice(p.classTotals(), new Shape(p.b, p.t, p.s), z, m);
      NDArray grad = p.logProbs.exp().mul(mass).sub(p.logProbs.zerosLike().scatter(p.index, totals, 2));
      NDArray lossArray = m.create(p.losses).toType(z.getDataType(), false).toDevice(z.getDevice(), false);
      grad.attach(outer);
      lossArray.attach(outer);
      return new Result(lossArray, grad);
    }
  }

  /**
   * Mean over the batch of the finite CTC losses (WeNet divides the summed loss by the batch
   * size), as a scalar whose autograd gradient w.r.t. {@code logits} is the analytic one.
   */
  public static NDArray loss(NDArray logits, NDArray inputLengths, NDArray targets, NDArray targetLengths) {
    if (logits.getDataType() == DataType.FLOAT16) {
      // fp16 compute (use_amp): the loss in fp32, as autocast does; the cast passes the gradient back
      logits = Ops.toFloat32(logits);
    }
    NDManager outer = logits.getManager();
    try (NDManager m = outer.newSubManager(logits.getDevice())) {
      CtcPosteriors p = CtcPosteriors.of(logits, inputLengths, targets, targetLengths, m);
      double scale = 1.0 / p.b;
      double value = 0;
      for (double l : p.losses) {
        if (!Double.isInfinite(l)) {
          value += l;
        }
      }
      double[] weights = p.occupancy; // −γ/B, in place: the posteriors are not used afterwards
      for (int k = 0; k < weights.length; k++) {
        weights[k] *= -scale;
      }
      // one dot product over the flattened (B, T, S) values: no product tensor, half the native calls
      NDArray flatWeights = CtcPosteriors.toDevice(weights, new Shape(weights.length), logits, m);
      NDArray surrogate = p.emissions.reshape(-1).dot(flatWeights);
      // surrogate − stop(surrogate) is 0 with the surrogate's gradient; the value is the true loss
      NDArray constant = surrogate.getDataType() == DataType.FLOAT64 ? m.create(value * scale)
          : m.full(new Shape(), (float) (value * scale), surrogate.getDataType(), surrogate.getDevice());
      NDArray loss = surrogate.sub(surrogate.stopGradient()).add(constant);
      loss.attach(outer);
      return loss;
    }
  }
}
