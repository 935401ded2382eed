package org.asr3m.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.asr3m.nn.AttentionDecoder;

/**
 * Autoregressive beam search with the attention decoder alone (WeNet's "attention" mode): every
 * step scores all live prefixes in one batched decoder pass, keeps the {@code beam} best
 * extensions, and moves prefixes that emit &lt;eos&gt; to the finished list. The decoder is re-run on
 * whole prefixes (no incremental cache), which is fine for sentence-length outputs.
 */
public final class AttentionBeamSearch {
  private AttentionBeamSearch() {}

  /**
   * @param memory encoder output of one utterance (1, T, D)
   * @param memoryMask (1, 1, T)
   * @param maxLength longest output considered (e.g. the number of encoder frames)
   */
  public static Hypothesis search(ParameterStore ps, AttentionDecoder decoder, NDArray memory, NDArray memoryMask,
      int sosEos, int beam, int maxLength) {
    NDManager m = memory.getManager();
    List<int[]> live = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    live.add(new int[0]);
    scores.add(0.0);
    Hypothesis best = null;
    for (int len = 0; len <= maxLength && !live.isEmpty(); len++) {
      int n = live.size();
      long[] in = new long[n * (len + 1)];
      for (int i = 0; i < n; i++) {
        in[i * (len + 1)] = sosEos;
        for (int j = 0; j < len; j++) {
          in[i * (len + 1) + 1 + j] = live.get(i)[j];
        }
      }
      float[] lp;
      try (NDManager step = m.newSubManager()) {
        NDArray ys = step.create(in, new Shape(n, len + 1)).toDevice(memory.getDevice(), false);
        NDArray lens = step.full(new Shape(n), len + 1, DataType.INT64, memory.getDevice());
        NDArray logits = decoder.forward(ps, memory.repeat(0, n), memoryMask.repeat(0, n), ys, lens, false);
        lp = logits.get(":, -1, :").logSoftmax(1).toType(DataType.FLOAT32, false).toFloatArray();
      }
      int v = lp.length / n;
      // candidates: (score, hypothesis index, token)
      List<double[]> cands = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int k = 1; k < v; k++) { // never the blank
          cands.add(new double[] {scores.get(i) + lp[i * v + k], i, k});
        }
      }
      cands.sort((a, b) -> Double.compare(b[0], a[0]));
      List<int[]> nextLive = new ArrayList<>();
      List<Double> nextScores = new ArrayList<>();
      for (double[] c : cands) {
        if (nextLive.size() >= beam) {
          break;
        }
        int[] prefix = live.get((int) c[1]);
        if ((int) c[2] == sosEos) {
          if (best == null || c[0] > best.score()) {
            best = new Hypothesis(prefix, Double.NaN, c[0]);
          }
          continue;
        }
        int[] ext = Arrays.copyOf(prefix, prefix.length + 1);
        ext[prefix.length] = (int) c[2];
        nextLive.add(ext);
        nextScores.add(c[0]);
      }
      // stop once no live prefix can beat the best finished one (scores only fall as prefixes grow)
      if (best != null && (nextScores.isEmpty() || nextScores.get(0) < best.score())) {
        break;
      }
      live = nextLive;
      scores = nextScores;
    }
    if (best == null) {
      best = new Hypothesis(live.isEmpty() ? new int[0] : live.get(0), Double.NaN,
          scores.isEmpty() ? Double.NEGATIVE_INFINITY : scores.get(0));
    }
    return best;
  }
}
