package org.asr3m.score;

import java.util.List;
import java.util.Objects;

/**
 * A minimum-edit-distance alignment of a reference and a hypothesis token sequence.
 *
 * @param counts C/S/D/I counts of the alignment
 * @param pairs aligned token pairs in sequence order
 */
public record Alignment(ErrorCounts counts, List<Pair> pairs) {
  public Alignment {
    Objects.requireNonNull(counts, "counts");
    pairs = List.copyOf(pairs);
  }

  /** Kind of one alignment step. */
  public enum Op {
    CORRECT, SUBSTITUTION, DELETION, INSERTION
  }

  /**
   * One aligned position.
   *
   * @param ref reference token, or null for an {@link Op#INSERTION}
   * @param hyp hypothesis token, or null for a {@link Op#DELETION}
   * @param op the step kind
   */
  public record Pair(String ref, String hyp, Op op) {
    public Pair {
      Objects.requireNonNull(op, "op");
      if ((ref == null) != (op == Op.INSERTION) || (hyp == null) != (op == Op.DELETION)) {
        throw new IllegalArgumentException("tokens " + ref + "/" + hyp + " do not fit " + op);
      }
    }
  }

  /** Reference tokens in order (insertions skipped). */
  public List<String> refTokens() {
    return pairs.stream().filter(p -> p.ref() != null).map(Pair::ref).toList();
  }

  /** Hypothesis tokens in order (deletions skipped). */
  public List<String> hypTokens() {
    return pairs.stream().filter(p -> p.hyp() != null).map(Pair::hyp).toList();
  }
}
