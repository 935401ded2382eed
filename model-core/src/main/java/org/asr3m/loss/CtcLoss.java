package org.asr3m.loss;

import org.asr3m.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Connectionist Temporal Classification loss (blank = 0), which DJL lacks.
 *
 * <p>Forward (α) and backward (β) recursions run in log space over the extended label sequence
 * l' = (blank, y1, blank, y2, …, blank), vectorised over batch and label positions so each time
 * step is a handful of device operations (no per-element Java loop, no host copy). The gradient
 * with respect to the unnormalised logits is analytic:
 * ∂(−log P)/∂z_tk = softmax(z)_tk − Σ_{s: l'_s = k} exp(log α_t(s) + log β_t(s) − log y_t(l'_s) − log P).
 * DJL has no custom-backward hook, so {@link #loss} injects that gradient through the surrogate
 * Σ z·G (whose autograd gradient is G) while reporting the true loss value.
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
   * Computes losses and gradients without recording anything for autograd. The recursion runs in
   * the logits' precision (use float64 for reference checks).
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
      DataType dt = z.getDataType();
      long b = z.getShape().get(0);
      long t = z.getShape().get(1);
      long v = z.getShape().get(2);
      NDArray inLens = inputLengths.toDevice(z.getDevice(), true).toType(DataType.INT64, true);
      NDArray tgtLens = targetLengths.toDevice(z.getDevice(), true).toType(DataType.INT64, true);
      inLens.attach(m);
      tgtLens.attach(m);
      long l = targets.getShape().get(1);
      NDArray tg = targets.toDevice(z.getDevice(), true).toType(DataType.INT64, true);
      tg.attach(m);
      tg = tg.maximum(0L);
      int s = (int) (2 * l + 1);

      // extended labels (B, S): blanks at even positions
      NDArray ext = NDArrays.concat(new NDList(
          NDArrays.stack(new NDList(tg.zerosLike(), tg), 2).reshape(b, 2 * l), m.zeros(new Shape(b, 1), DataType.INT64,
              z.getDevice())), 1);
      NDArray positions = m.arange(0, s, 1, DataType.INT64, z.getDevice()).expandDims(0); // (1, S)
      NDArray odd = positions.mod(2L).eq(1L);
      // a label may be reached from two positions back unless it repeats the previous label
      NDArray skip = odd;
      if (s > 2) {
        NDArray differs = ext.get(new NDIndex(":, 2:")).neq(ext.get(new NDIndex(":, :{}", s - 2)));
        NDArray pad = m.zeros(new Shape(b, 2), DataType.BOOLEAN, z.getDevice());
        skip = odd.logicalAnd(NDArrays.concat(new NDList(pad, differs), 1));
      } else {
        skip = odd.logicalAnd(odd.logicalNot()).broadcast(b, s);
      }
      NDArray sLen = tgtLens.mul(2L).add(1L).expandDims(1); // (B, 1) extended length per utterance

      NDArray logProbs = z.logSoftmax(2);
      NDArray emit = logProbs.gather(ext.expandDims(1).broadcast(b, t, s), 2); // (B, T, S)
      NDArray negInf = m.full(new Shape(b, s), Float.NEGATIVE_INFINITY, dt, z.getDevice());
      NDArray negCol = m.full(new Shape(b, 1), Float.NEGATIVE_INFINITY, dt, z.getDevice());
      NDArray negCol2 = m.full(new Shape(b, 2), Float.NEGATIVE_INFINITY, dt, z.getDevice());
      NDArray inLen1 = inLens.expandDims(1); // (B, 1)

      // α: α_0 allows only the first blank and the first label
      NDArray[] alphas = new NDArray[(int) t];
      NDArray alpha = Ops.where(positions.lt(2L).logicalAnd(positions.lt(sLen)), emitAt(emit, 0), negInf);
      alphas[0] = alpha;
      for (int i = 1; i < t; i++) {
        NDArray prev1 = NDArrays.concat(new NDList(negCol, alpha.get(new NDIndex(":, :{}", s - 1))), 1);
        NDArray prev2 = s > 2 ? NDArrays.concat(new NDList(negCol2, alpha.get(new NDIndex(":, :{}", s - 2))), 1) : negInf;
        prev2 = Ops.where(skip, prev2, negInf);
        NDArray next = logSumExp3(alpha, prev1, prev2).add(emitAt(emit, i));
        alpha = Ops.where(inLen1.gt((long) i), next, alpha); // finished utterances keep their last α
        alphas[i] = alpha;
      }
      // log P = logsumexp(α_{T-1}(S-1), α_{T-1}(S-2)); S-2 does not exist for an empty target
      NDArray last = alpha.gather(sLen.sub(1L), 1).squeeze(1);
      NDArray beforeLast = alpha.gather(sLen.sub(2L).maximum(0L), 1).squeeze(1);
      beforeLast = Ops.where(tgtLens.gt(0L), beforeLast, negInf.get(new NDIndex(":, 0")));
      NDArray logP = logSumExp2(last, beforeLast); // (B,)
      NDArray feasible = logP.isInfinite().logicalNot();

      // β, from each utterance's own last frame backwards (β includes the emission at t, like α)
      NDArray endMask = positions.eq(sLen.sub(1L)).logicalOr(positions.eq(sLen.sub(2L)).logicalAnd(tgtLens.gt(0L).expandDims(1)));
      NDArray skipNext = s > 2 ? NDArrays.concat(new NDList(skip.get(new NDIndex(":, 2:")),
          m.zeros(new Shape(b, 2), DataType.BOOLEAN, z.getDevice())), 1) : skip;
      NDArray[] betas = new NDArray[(int) t];
      NDArray beta = negInf;
      for (int i = (int) t - 1; i >= 0; i--) {
        NDArray e = emitAt(emit, i);
        NDArray next1 = NDArrays.concat(new NDList(beta.get(new NDIndex(":, 1:")), negCol), 1);
        NDArray next2 = s > 2 ? NDArrays.concat(new NDList(beta.get(new NDIndex(":, 2:")), negCol2), 1) : negInf;
        next2 = Ops.where(skipNext, next2, negInf);
        NDArray rec = logSumExp3(beta, next1, next2).add(e);
        NDArray init = Ops.where(endMask, e, negInf);
        beta = Ops.where(inLen1.eq((long) i + 1), init, Ops.where(inLen1.gt((long) i + 1), rec, negInf));
        betas[i] = beta;
      }

      NDArray logAlpha = NDArrays.stack(new NDList(alphas), 1); // (B, T, S)
      NDArray logBeta = NDArrays.stack(new NDList(betas), 1);
      NDArray safeLogP = Ops.where(feasible, logP, logP.zerosLike()).reshape(b, 1, 1);
      NDArray occupancy = logAlpha.add(logBeta).sub(emit).sub(safeLogP).exp(); // (B, T, S), 0 where β = −∞
      // Σ_{s: l'_s = k} occupancy: blanks all go to class 0, labels through a one-hot product
      NDArray blankOcc = occupancy.get(new NDIndex(":, :, 0::2")).sum(new int[] {2}, true); // (B, T, 1)
      NDArray perClass;
      if (l > 0) {
        NDArray labelOcc = occupancy.get(new NDIndex(":, :, 1::2")); // (B, T, L)
        NDArray oneHot = tg.oneHot((int) v, dt); // (B, L, V)
        perClass = labelOcc.matMul(oneHot);
      } else {
        perClass = m.zeros(new Shape(b, t, v), dt, z.getDevice());
      }
      NDArray blankCol = NDArrays.concat(new NDList(blankOcc,
          m.zeros(new Shape(b, t, v - 1), dt, z.getDevice())), 2);
      NDArray frameMask = m.arange(0, (int) t, 1, DataType.INT64, z.getDevice()).expandDims(0).lt(inLen1)
          .logicalAnd(feasible.expandDims(1)).expandDims(2); // (B, T, 1)
      NDArray grad = logProbs.exp().sub(perClass).sub(blankCol);
      grad = Ops.where(frameMask, grad, grad.zerosLike());
      NDArray losses = logP.neg();
      grad.attach(outer);
      losses.attach(outer);
      return new Result(losses, grad);
    }
  }

  /**
   * Mean over the batch of the finite CTC losses (WeNet divides the summed loss by the batch
   * size), as a scalar whose autograd gradient w.r.t. {@code logits} is the analytic one.
   */
  public static NDArray loss(NDArray logits, NDArray inputLengths, NDArray targets, NDArray targetLengths) {
    Result r = compute(logits, inputLengths, targets, targetLengths);
    float scale = 1f / logits.getShape().get(0);
    NDArray finite = Ops.where(r.losses().isInfinite(), r.losses().zerosLike(), r.losses());
    NDArray value = finite.sum().mul(scale);
    NDArray surrogate = logits.mul(r.gradient().mul(scale).toType(logits.getDataType(), false)).sum();
    // value carries no gradient; surrogate − stop(surrogate) is 0 with gradient G
    return surrogate.sub(surrogate.stopGradient()).add(value.toType(surrogate.getDataType(), false));
  }

  private static NDArray emitAt(NDArray emit, int t) {
    return emit.get(new NDIndex(":, {}, :", t));
  }

  private static NDArray logSumExp2(NDArray a, NDArray b) {
    NDArray mx = a.maximum(b);
    NDArray safe = Ops.where(mx.isInfinite(), mx.zerosLike(), mx);
    return a.sub(safe).exp().add(b.sub(safe).exp()).log().add(safe);
  }

  private static NDArray logSumExp3(NDArray a, NDArray b, NDArray c) {
    NDArray mx = a.maximum(b).maximum(c);
    NDArray safe = Ops.where(mx.isInfinite(), mx.zerosLike(), mx);
    return a.sub(safe).exp().add(b.sub(safe).exp()).add(c.sub(safe).exp()).log().add(safe);
  }
}
