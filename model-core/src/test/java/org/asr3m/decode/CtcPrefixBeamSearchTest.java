package org.asr3m.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CtcPrefixBeamSearchTest {
  /** Exact P(y|x) of every label sequence, by enumerating all alignments of a short input. */
  private static Map<String, Double> bruteForce(float[] lp, int t, int v) {
    Map<String, Double> probs = new HashMap<>();
    int[] path = new int[t];
    long total = (long) Math.pow(v, t);
    for (long code = 0; code < total; code++) {
      long c = code;
      double logp = 0;
      for (int i = 0; i < t; i++) {
        path[i] = (int) (c % v);
        c /= v;
        logp += lp[i * v + path[i]];
      }
      StringBuilder y = new StringBuilder();
      int prev = -1;
      for (int s : path) {
        if (s != 0 && s != prev) {
          y.append(s).append(',');
        }
        prev = s;
      }
      probs.merge(y.toString(), Math.exp(logp), Double::sum);
    }
    return probs;
  }

  private static float[] randomLogProbs(Random r, int t, int v) {
    float[] lp = new float[t * v];
    for (int i = 0; i < t; i++) {
      double[] z = new double[v];
      double sum = 0;
      for (int k = 0; k < v; k++) {
        z[k] = Math.exp(r.nextGaussian() * 2);
        sum += z[k];
      }
      for (int k = 0; k < v; k++) {
        lp[i * v + k] = (float) Math.log(z[k] / sum);
      }
    }
    return lp;
  }

  private static String key(int[] tokens) {
    StringBuilder sb = new StringBuilder();
    for (int x : tokens) {
      sb.append(x).append(',');
    }
    return sb.toString();
  }

  @Test
  void withAFullBeamScoresAreExactSequenceProbabilities() {
    Random r = new Random(4);
    for (int trial = 0; trial < 20; trial++) {
      int t = 5;
      int v = 4;
      float[] lp = randomLogProbs(r, t, v);
      Map<String, Double> exact = bruteForce(lp, t, v);
      // a beam as large as the number of prefixes keeps every hypothesis
      List<Hypothesis> hyps = CtcPrefixBeamSearch.search(lp, t, v, 1000);
      String best = exact.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      assertThat(key(hyps.get(0).tokens())).isEqualTo(best);
      for (Hypothesis h : hyps.subList(0, 5)) {
        assertThat(Math.exp(h.ctcScore())).isCloseTo(exact.get(key(h.tokens())), org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @Test
  void repeatsNeedABlankAndGreedyAgreesOnPeakyOutput() {
    int v = 3;
    // frames: a a blank a b  → "a a b" needs the blank between the a's
    int[] best = {1, 1, 0, 1, 2};
    float[] lp = new float[best.length * v];
    Arrays.fill(lp, (float) Math.log(0.01));
    for (int i = 0; i < best.length; i++) {
      lp[i * v + best[i]] = (float) Math.log(0.98);
    }
    assertThat(CtcGreedy.decode(lp, best.length, v).tokens()).containsExactly(1, 1, 2);
    assertThat(CtcPrefixBeamSearch.search(lp, best.length, v, 4).get(0).tokens()).containsExactly(1, 1, 2);
  }
}
