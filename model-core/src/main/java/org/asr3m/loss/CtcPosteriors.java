package org.asr3m.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What both forms of the CTC loss start from: the log-softmax over the vocabulary, its values at
 * the extended labels ((B, T, S), S = 2·L + 1, blanks at even states), and from the recursions
 * the per-utterance −log P and the state occupancies γ (B, T, S) on the host.
 *
 * <p>The gradient w.r.t. the logits is, per frame, softmax · Σ_s γ − Σ_{s: l'_s = k} γ; it is
 * never materialised here: it is the gradient of −Σ γ·(log-softmax at the extended labels), which
 * autograd's log-softmax and gather backward compute in two passes over (B, T, V), as PyTorch's
 * own CTC backward does. Only the (B, T, S) emissions go to the host and γ comes back.
 */
final class CtcPosteriors {
  final int b;
  final int t;
  final int s;
  /** (B, T, V) log-softmax of the logits, recorded by autograd when the logits are. */
  final NDArray logProbs;
  /** (B, T, S) extended label ids, the index of {@link #emissions}. */
  final NDArray index;
  /** (B, T, S) log-probabilities of the extended labels (recorded by autograd when the logits are). */
  final NDArray emissions;
  /** (B, S) extended label ids on the host. */
  final long[] ext;
  /** −log P per utterance, +∞ where no alignment exists. */
  final double[] losses;
  /** (B, T, S) γ; zero beyond an utterance's frames or states and for infeasible utterances. */
  final double[] occupancy;

  private CtcPosteriors(int b, int t, int s, NDArray logProbs, NDArray index, NDArray emissions, long[] ext,
      double[] losses, double[] occupancy) {
    this.b = b;
    this.t = t;
    this.s = s;
    this.logProbs = logProbs;
    this.index = index;
    this.emissions = emissions;
    this.ext = ext;
    this.losses = losses;
    this.occupancy = occupancy;
  }

  /**
   * Runs log-softmax, the gather and the recursions. Every array created lives in {@code m}
   * (autograd keeps what its backward needs when {@code m} closes).
   *
   * @param logits (B, T, V) unnormalised scores, float32 or float64
   */
  static CtcPosteriors of(NDArray logits, NDArray inputLengths, NDArray targets, NDArray targetLengths, NDManager m) {
    int b = Math.toIntExact(logits.getShape().get(0));
    int t = Math.toIntExact(logits.getShape().get(1));
    long[] inLens = hostLongs(inputLengths, m);
    long[] tgtLens = hostLongs(targetLengths, m);
    int l = Math.toIntExact(targets.getShape().get(1));
    long[] tg = hostLongs(targets, m);
    int s = 2 * l + 1;
    long[] ext = new long[b * s];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < l; j++) {
        ext[i * s + 2 * j + 1] = j < tgtLens[i] ? Math.max(tg[i * l + j], 0) : 0;
      }
    }
    NDArray logProbs = logits.logSoftmax(2);
    logProbs.attach(m);
    // libtorch-owned memory (HostTransfer): autograd saves the index for gather's backward
    NDArray index = HostTransfer.upload(ext, new Shape(b, 1, s), logits.getDevice(), m).broadcast(b, t, s);
    NDArray emissions = logProbs.gather(index, 2);
    // probabilities on the host: exp of (B, T, S) values on the device, where it is vectorised
    double[] y = HostTransfer.download(emissions.stopGradient().exp());
    double[] losses = new double[b];
    double[] occupancy = new double[y.length];
    // one thread: the recursions are well under a millisecond for a batch, and a Java worker would
    // compete with libtorch's OpenMP threads, which spin after each parallel region
    Alignment alignment = new Alignment(t, s);
    for (int i = 0; i < b; i++) {
      losses[i] = alignment.align(y, occupancy, i, (int) Math.min(inLens[i], t), (int) tgtLens[i], ext);
    }
    return new CtcPosteriors(b, t, s, logProbs, index, emissions, ext, losses, occupancy);
  }

  /** (B, T, 1) Σ_s γ_t(s): 1 on an aligned frame, 0 on padding and infeasible utterances. */
  double[] frameMass() {
    double[] mass = new double[b * t];
    for (int r = 0; r < b * t; r++) {
      double sum = 0;
      for (int j = 0; j < s; j++) {
        sum += occupancy[r * s + j];
      }
      mass[r] = sum;
    }
    return mass;
  }

  /**
   * (B, T, S) Σ_{s': l'_s' = l'_s} γ_t(s'): every state carries its class's total, so a scatter
   * into the class column gives the same value whichever duplicate is written last.
   */
  double[] classTotals() {
    double[] out = new double[occupancy.length];
    for (int r = 0; r < b * t; r++) {
      int i = r / t;
      int row = r * s;
      double blanks = 0;
      for (int j = 0; j < s; j += 2) {
        blanks += occupancy[row + j];
      }
      for (int j = 0; j < s; j += 2) {
        out[row + j] = blanks;
      }
      for (int j = 1; j < s; j += 2) {
        double sum = 0;
        for (int k = 1; k < s; k += 2) {
          if (ext[i * s + k] == ext[i * s + j]) {
            sum += occupancy[row + k];
          }
        }
        out[row + j] = sum;
      }
    }
    return out;
  }

  /** A host array as a tensor of {@code like}'s type and device, in {@code m}, in memory libtorch owns. */
  static NDArray toDevice(double[] values, Shape shape, NDArray like, NDManager m) {
    return HostTransfer.upload(values, shape, like.getDataType(), like.getDevice(), m);
  }

  private static long[] hostLongs(NDArray a, NDManager scratch) {
    NDArray c = a.toType(DataType.INT64, true);
    c.attach(scratch);
    return c.toLongArray();
  }
}
