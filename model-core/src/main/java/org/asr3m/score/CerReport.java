package org.asr3m.score;

import java.util.List;
import java.util.Objects;

/**
 * Result of scoring a hypothesis file against a reference file.
 *
 * @param utterances one result per reference utterance, in reference-file order (missing ones included)
 * @param missing ids present in REF but absent from HYP, in reference-file order; counted as all deletions
 * @param extra ids present in HYP but absent from REF, in hypothesis-file order; ignored for scoring
 * @param total sum of all utterance counts
 */
public record CerReport(List<UtteranceResult> utterances, List<String> missing, List<String> extra,
    ErrorCounts total) {
  public CerReport {
    utterances = List.copyOf(utterances);
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    Objects.requireNonNull(total, "total");
  }

  /** The overall line, exactly {@code CER 12.50 % N=8 C=7 S=1 D=0 I=0}. */
  public String overallLine() {
    return overallLine(total);
  }

  /** {@code CER <rate> % N=… C=… S=… D=… I=…} for any counts. */
  public static String overallLine(ErrorCounts counts) {
    return "CER " + counts.rateAndSummary();
  }
}
