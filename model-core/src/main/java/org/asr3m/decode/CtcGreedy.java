package org.asr3m.decode;

import java.util.Arrays;

/** Best-path CTC decoding: argmax per frame, merge repeats, drop blanks. */
public final class CtcGreedy {
  private CtcGreedy() {}

  /**
   * @param logProbs (T, V) log-probabilities of one utterance, row-major
   * @param frames valid frames
   * @param vocab V
   */
  public static Hypothesis decode(float[] logProbs, int frames, int vocab) {
    int[] out = new int[frames];
    int n = 0;
    int prev = -1;
    double score = 0;
    for (int t = 0; t < frames; t++) {
      int best = 0;
      float bestLp = Float.NEGATIVE_INFINITY;
      int row = t * vocab;
      for (int k = 0; k < vocab; k++) {
        if (logProbs[row + k] > bestLp) {
          bestLp = logProbs[row + k];
          best = k;
        }
      }
      score += bestLp;
      if (best != 0 && best != prev) {
        out[n++] = best;
      }
      prev = best;
    }
    return new Hypothesis(Arrays.copyOf(out, n), score, score);
  }
}
