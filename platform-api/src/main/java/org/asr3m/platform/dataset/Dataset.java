package org.asr3m.platform.dataset;

import java.time.OffsetDateTime;

/**
 * A registered data set as the API shows it.
 *
 * @param source upload (archive stored under {@code datasets/<name>/}), store (an existing prefix) or local (a
 *     directory of the API's machine)
 * @param location what runs are given: {@code store:<prefix>} or a local directory
 * @param speakersFrom {@code utt2spk} or {@code id-prefix}
 * @param characters number of distinct characters in the transcripts
 * @param characterSet those characters, in code point order
 * @param coverage how well another data set's characters cover this one's (only when asked for)
 */
public record Dataset(long id, String name, String description, String source, String location, String fingerprint,
    int utterances, int speakers, String speakersFrom, double hours, long audioBytes, int characters,
    String characterSet, OffsetDateTime createdAt, Coverage coverage) {

  /**
   * Character coverage of this data set by the characters of {@code against} (e.g. a test set by its
   * train set, whose characters become the model's units).
   *
   * @param typeCoverage share of this set's distinct characters that {@code against} has
   * @param tokenCoverage share of this set's character occurrences that {@code against} has
   * @param missing the characters {@code against} lacks, most frequent first (at most 100)
   */
  public record Coverage(String against, double typeCoverage, double tokenCoverage, String missing) {}
}
