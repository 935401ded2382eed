package org.asr3m.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.nn.AttentionDecoder;

/**
 * Rescores the CTC N-best of one utterance with the attention decoder (WeNet's attention_rescoring):
 * score = (1 − r)·log P_l2r(y, eos) + r·log P_r2l(rev(y), eos) + λ·log P_ctc(y), all N hypotheses in
 * one batched decoder pass.
 */
public final class AttentionRescoring {
  private AttentionRescoring() {}

  /**
   * @param memory encoder output of this utterance, (1, T, D)
   * @param memoryMask (1, 1, T)
   * @param nbest CTC prefix-beam hypotheses
   * @param ctcWeight λ
   * @param reverseWeight r (only with a bidirectional decoder)
   * @return the hypotheses re-ranked, best first
   */
  public static List<Hypothesis> rescore(ParameterStore ps, AttentionDecoder decoder, NDArray memory,
      NDArray memoryMask, List<Hypothesis> nbest, int sosEos, double ctcWeight, double reverseWeight) {
    NDManager m = memory.getManager();
    int n = nbest.size();
    int maxLen = 0;
    for (Hypothesis h : nbest) {
      maxLen = Math.max(maxLen, h.tokens().length);
    }
    int l = maxLen + 1;
    long[] in = new long[n * l];
    long[] rin = new long[n * l];
    long[] lens = new long[n];
    for (int i = 0; i < n; i++) {
      int[] y = nbest.get(i).tokens();
      java.util.Arrays.fill(in, i * l, (i + 1) * l, sosEos);
      java.util.Arrays.fill(rin, i * l, (i + 1) * l, sosEos);
      for (int j = 0; j < y.length; j++) {
        in[i * l + 1 + j] = y[j];
        rin[i * l + 1 + j] = y[y.length - 1 - j];
      }
      lens[i] = y.length + 1;
    }
    NDArray ysIn = m.create(in, new Shape(n, l)).toDevice(memory.getDevice(), false);
    NDArray ysLens = m.create(lens).toDevice(memory.getDevice(), false);
    NDArray mem = memory.repeat(0, n);
    NDArray memMask = memoryMask.repeat(0, n);
    float[] l2r = decoder.forward(ps, mem, memMask, ysIn, ysLens, false).logSoftmax(2)
        .toType(DataType.FLOAT32, false).toFloatArray();
    float[] r2l = null;
    boolean useReverse = decoder.bidirectional() && reverseWeight > 0;
    if (useReverse) {
      NDArray rysIn = m.create(rin, new Shape(n, l)).toDevice(memory.getDevice(), false);
      r2l = decoder.forwardReverse(ps, mem, memMask, rysIn, ysLens, false).logSoftmax(2)
          .toType(DataType.FLOAT32, false).toFloatArray();
    }
    int v = (int) (l2r.length / ((long) n * l));
    List<Hypothesis> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Hypothesis h = nbest.get(i);
      int[] y = h.tokens();
      double score = sequenceScore(l2r, i, l, v, y, sosEos, false);
      if (useReverse) {
        score = (1 - reverseWeight) * score + reverseWeight * sequenceScore(r2l, i, l, v, y, sosEos, true);
      }
      out.add(new Hypothesis(y, h.ctcScore(), score + ctcWeight * h.ctcScore()));
    }
    out.sort((a, b) -> Double.compare(b.score(), a.score()));
    return out;
  }

  /** Σ_j log p(y_j | y_&lt;j) + log p(eos | y), reading y reversed for the right-to-left decoder. */
  private static double sequenceScore(float[] lp, int row, int l, int v, int[] y, int eos, boolean reversed) {
    double s = 0;
    int base = row * l * v;
    for (int j = 0; j < y.length; j++) {
      int token = reversed ? y[y.length - 1 - j] : y[j];
      s += lp[base + j * v + token];
    }
    return s + lp[base + y.length * v + eos];
  }
}
