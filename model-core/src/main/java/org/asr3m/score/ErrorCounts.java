package org.asr3m.score;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Token error counts of one utterance or of a whole test set, as in WeNet's {@code compute-wer.py}.
 *
 * @param n number of reference tokens; always {@code correct + sub + del}
 * @param correct reference tokens recognised correctly
 * @param sub substitutions
 * @param del deletions (reference tokens with no hypothesis token)
 * @param ins insertions (hypothesis tokens with no reference token)
 */
public record ErrorCounts(long n, long correct, long sub, long del, long ins) {
  /** No tokens, no errors. */
  public static final ErrorCounts ZERO = new ErrorCounts(0, 0, 0, 0, 0);

  public ErrorCounts {
    if (n < 0 || correct < 0 || sub < 0 || del < 0 || ins < 0) {
      throw new IllegalArgumentException("negative count in " + summary(n, correct, sub, del, ins));
    }
    if (n != correct + sub + del) {
      throw new IllegalArgumentException("N must equal C+S+D: " + summary(n, correct, sub, del, ins));
    }
  }

  /** Counts of a reference of {@code n} tokens whose hypothesis is missing: every token deleted. */
  public static ErrorCounts allDeleted(long n) {
    return new ErrorCounts(n, 0, 0, n, 0);
  }

  /** S + D + I. */
  public long errors() {
    return sub + del + ins;
  }

  /**
   * Error rate in percent, {@code (S+D+I) * 100 / N}. As in WeNet, an empty reference (N = 0) scores 0.0 even
   * when the hypothesis has insertions; the insertions still appear in {@link #ins()} and in any total.
   */
  public double cer() {
    // same operation order as compute-wer.py (float(errors) * 100.0 / all) for bit-identical values
    return n == 0 ? 0.0 : (double) errors() * 100.0 / n;
  }

  /** Element-wise sum. */
  public ErrorCounts plus(ErrorCounts other) {
    return new ErrorCounts(n + other.n, correct + other.correct, sub + other.sub, del + other.del,
        ins + other.ins);
  }

  /** {@link #cer()} with two decimals, rounded like Python's {@code '%.2f'} (exact binary value, ties to even). */
  public String cerText() {
    return new BigDecimal(cer()).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** {@code "N=8 C=7 S=1 D=0 I=0"}. */
  public String summary() {
    return summary(n, correct, sub, del, ins);
  }

  /** {@code "12.50 % N=8 C=7 S=1 D=0 I=0"}: the rate and counts as WeNet prints them. */
  public String rateAndSummary() {
    return cerText() + " % " + summary();
  }

  private static String summary(long n, long correct, long sub, long del, long ins) {
    return "N=" + n + " C=" + correct + " S=" + sub + " D=" + del + " I=" + ins;
  }
}
