package org.asr3m.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CTC prefix beam search (blank = 0): keeps, per prefix, the log-probability of all alignments
 * ending in blank (pb) and in its last label (pnb), so repeated labels separated by a blank are
 * distinguished from one label held over several frames. Only the {@code beam} most likely units
 * of each frame are expanded. Returns the N best prefixes, best first.
 */
public final class CtcPrefixBeamSearch {
  private CtcPrefixBeamSearch() {}

  private static final class Prefix {
    final int[] tokens;
    double pb = Double.NEGATIVE_INFINITY;
    double pnb = Double.NEGATIVE_INFINITY;

    Prefix(int[] tokens) {
      this.tokens = tokens;
    }

    double total() {
      return logAdd(pb, pnb);
    }
  }

  /** Prefix token arrays as map keys. */
  private record Key(int[] t) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(t, k.t);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(t);
    }
  }

  /**
   * @param logProbs (T, V) log-probabilities of one utterance, row-major
   * @param frames valid frames
   * @param vocab V
   * @param beam beam size (also the number of units expanded per frame)
   */
  public static List<Hypothesis> search(float[] logProbs, int frames, int vocab, int beam) {
    if (beam < 1) {
      throw new IllegalArgumentException("beam size must be >= 1, got " + beam);
    }
    Map<Key, Prefix> cur = new HashMap<>();
    Prefix empty = new Prefix(new int[0]);
    empty.pb = 0;
    cur.put(new Key(empty.tokens), empty);
    int[] top = new int[Math.min(beam, vocab)];
    for (int t = 0; t < frames; t++) {
      int row = t * vocab;
      topK(logProbs, row, vocab, top);
      Map<Key, Prefix> next = new HashMap<>();
      for (int s : top) {
        double ps = logProbs[row + s];
        for (Prefix p : cur.values()) {
          int last = p.tokens.length == 0 ? -1 : p.tokens[p.tokens.length - 1];
          if (s == 0) {
            Prefix n = next.computeIfAbsent(new Key(p.tokens), k -> new Prefix(p.tokens));
            n.pb = logAdd(n.pb, logAdd(p.pb + ps, p.pnb + ps));
          } else if (s == last) {
            Prefix same = next.computeIfAbsent(new Key(p.tokens), k -> new Prefix(p.tokens));
            same.pnb = logAdd(same.pnb, p.pnb + ps); // label held over another frame
            int[] ext = extend(p.tokens, s);
            Prefix n = next.computeIfAbsent(new Key(ext), k -> new Prefix(ext));
            n.pnb = logAdd(n.pnb, p.pb + ps); // repeat after a blank is a new label
          } else {
            int[] ext = extend(p.tokens, s);
            Prefix n = next.computeIfAbsent(new Key(ext), k -> new Prefix(ext));
            n.pnb = logAdd(n.pnb, logAdd(p.pb + ps, p.pnb + ps));
          }
        }
      }
      List<Prefix> ranked = new ArrayList<>(next.values());
      ranked.sort((a, b) -> Double.compare(b.total(), a.total()));
      cur = new HashMap<>();
      for (Prefix p : ranked.subList(0, Math.min(beam, ranked.size()))) {
        cur.put(new Key(p.tokens), p);
      }
    }
    List<Prefix> ranked = new ArrayList<>(cur.values());
    ranked.sort((a, b) -> Double.compare(b.total(), a.total()));
    List<Hypothesis> out = new ArrayList<>();
    for (Prefix p : ranked) {
      out.add(new Hypothesis(p.tokens, p.total(), p.total()));
    }
    return out;
  }

  private static int[] extend(int[] prefix, int s) {
    int[] e = Arrays.copyOf(prefix, prefix.length + 1);
    e[prefix.length] = s;
    return e;
  }

  /** Indices of the k largest values of row (partial selection; k is small). */
  private static void topK(float[] lp, int row, int vocab, int[] out) {
    int k = out.length;
    float[] vals = new float[k];
    Arrays.fill(vals, Float.NEGATIVE_INFINITY);
    Arrays.fill(out, -1);
    for (int v = 0; v < vocab; v++) {
      float x = lp[row + v];
      if (x > vals[k - 1] || out[k - 1] < 0) {
        int i = k - 1;
        while (i > 0 && (out[i - 1] < 0 || vals[i - 1] < x)) {
          vals[i] = vals[i - 1];
          out[i] = out[i - 1];
          i--;
        }
        vals[i] = x;
        out[i] = v;
      }
    }
  }

  static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }
}
