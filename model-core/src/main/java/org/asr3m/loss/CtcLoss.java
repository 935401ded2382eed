package org.asr3m.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.asr3m.nn.Ops;

/**
 * Connectionist Temporal Classification loss (blank = 0), which DJL lacks.
 *
 * <p>Forward (α) and backward (β) recursions run in log space over the extended label sequence
 * l' = (blank, y1, blank, y2, …, blank). The gradient with respect to the unnormalised logits is
 * analytic: ∂(−log P)/∂z_tk = softmax(z)_tk − Σ_{s: l'_s = k} exp(log α_t(s) + log β_t(s) − log y_t(l'_s) − log P).
 * DJL has no custom-backward hook, so {@link #loss} injects that gradient through the surrogate
 * Σ z·G (whose autograd gradient is G) while reporting the true loss value.
 *
 * <p>Where the time goes: the recursions are O(T·S) tiny steps per utterance, each a handful of
 * scalar operations. Run as device operations over the batch (the earlier design) every step was
 * a dozen JNI calls and small tensor allocations, ~4T·12 per loss: 5× slower than
 * torch.nn.CTCLoss, and slower with more threads (each tiny op pays the pool's hand-off). Here the
 * device does only the dense work over (B, T, V) — log-softmax, one gather of the (B, T, S)
 * emissions, exp, one subtraction — and the recursions run as a tight double-precision loop over
 * primitive arrays per utterance ({@link Alignment}).
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
   * Computes losses and gradients without recording anything for autograd. The recursions run in
   * double precision; the gradient has the logits' type (use float64 for reference checks).
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
      int b = Math.toIntExact(z.getShape().get(0));
      int t = Math.toIntExact(z.getShape().get(1));
      int v = Math.toIntExact(z.getShape().get(2));
      long[] inLens = hostLongs(inputLengths, m);
      long[] tgtLens = hostLongs(targetLengths, m);
      int l = Math.toIntExact(targets.getShape().get(1));
      long[] tg = hostLongs(targets, m);
      int s = 2 * l + 1;
      // extended labels (B, S): blanks at even positions
      long[] ext = new long[b * s];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < l; j++) {
          ext[i * s + 2 * j + 1] = j < tgtLens[i] ? Math.max(tg[i * l + j], 0) : 0;
        }
      }
      NDArray logProbs = z.logSoftmax(2);
      NDArray index = m.create(ext, new Shape(b, 1, s)).toDevice(z.getDevice(), false).broadcast(b, t, s);
      double[] emit = logProbs.gather(index, 2).toType(DataType.FLOAT64, false).toDoubleArray(); // (B, T, S)

      double[] losses = new double[b];
      double[][] occupancy = new double[b][]; // (T_b, S_b) per utterance, null when infeasible or empty
      // one thread: the recursions are < 1 ms for a batch, and a Java worker would compete with
      // libtorch's OpenMP threads, which spin after each parallel region (measured: slower on 2 threads)
      for (int i = 0; i < b; i++) {
        Alignment a = new Alignment(emit, i, t, s, (int) Math.min(inLens[i], t), (int) tgtLens[i], ext);
        losses[i] = a.negLogP();
        occupancy[i] = a.occupancy();
      }

      // Σ_{s: l'_s = k} occupancy, scattered into a dense (B, T, V) array on the host
      int sizeBtv = Math.multiplyExact(Math.multiplyExact(b, t), v);
      NDArray correction;
      float[] mask = new float[b * t];
      if (dt == DataType.FLOAT64) {
        double[] c = new double[sizeBtv];
        scatter(occupancy, ext, inLens, tgtLens, t, s, v, (k, x) -> c[k] += x, mask);
        correction = m.create(c, new Shape(b, t, v));
      } else {
        float[] c = new float[sizeBtv];
        scatter(occupancy, ext, inLens, tgtLens, t, s, v, (k, x) -> c[k] += (float) x, mask);
        correction = m.create(c, new Shape(b, t, v)).toType(dt, false);
      }
      NDArray frameMask = m.create(mask, new Shape(b, t, 1)).toType(dt, false).toDevice(z.getDevice(), false);
      NDArray grad = logProbs.exp().sub(correction.toDevice(z.getDevice(), false)).mul(frameMask);
      NDArray lossArray = m.create(losses).toType(dt, false).toDevice(z.getDevice(), false);
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
    Result r = compute(logits, inputLengths, targets, targetLengths);
    float scale = 1f / logits.getShape().get(0);
    NDArray finite = Ops.where(r.losses().isInfinite(), r.losses().zerosLike(), r.losses());
    NDArray value = finite.sum().mul(scale);
    NDArray surrogate = logits.mul(r.gradient().mul(scale).toType(logits.getDataType(), false)).sum();
    // value carries no gradient; surrogate − stop(surrogate) is 0 with gradient G
    return surrogate.sub(surrogate.stopGradient()).add(value.toType(surrogate.getDataType(), false));
  }

  @FunctionalInterface
  private interface Accumulator {
    void add(int index, double value);
  }

  /** Adds each utterance's occupancy to its class column; marks the frames that get a gradient. */
  private static void scatter(double[][] occupancy, long[] ext, long[] inLens, long[] tgtLens, int t, int s, int v,
      Accumulator into, float[] mask) {
    for (int i = 0; i < occupancy.length; i++) {
      double[] occ = occupancy[i];
      if (occ == null) {
        continue; // infeasible: no gradient at all
      }
      int frames = (int) Math.min(inLens[i], t);
      int sb = (int) (2 * tgtLens[i] + 1);
      for (int f = 0; f < frames; f++) {
        mask[i * t + f] = 1f;
        int row = (i * t + f) * v;
        for (int j = 0; j < sb; j++) {
          double x = occ[f * sb + j];
          if (x != 0) {
            into.add(row + (int) ext[i * s + j], x);
          }
        }
      }
    }
  }

  private static long[] hostLongs(NDArray a, NDManager scratch) {
    NDArray c = a.toType(DataType.INT64, true);
    c.attach(scratch);
    return c.toLongArray();
  }
}
