package org.asr3m.train;

import java.util.List;

/**
 * What an epoch's data loading read and skipped.
 *
 * @param utterances utterances that went into batches
 * @param shards shards read (0 for a data directory)
 * @param filtered utterances the length filter removed
 * @param problemCount corrupt or incomplete inputs skipped
 * @param problems the first of them, each naming its shard and member (or file)
 */
public record DataSummary(long utterances, int shards, long filtered, long problemCount, List<String> problems) {
  public static final DataSummary EMPTY = new DataSummary(0, 0, 0, 0, List.of());

  /** One line for the epoch log, e.g. "4500 utterances from 5 shards, 2 corrupt member(s) skipped". */
  public String line() {
    StringBuilder sb = new StringBuilder().append(utterances).append(" utterances");
    if (shards > 0) {
      sb.append(" from ").append(shards).append(" shard(s)");
    }
    if (filtered > 0) {
      sb.append(", ").append(filtered).append(" removed by the length filter");
    }
    sb.append(", ").append(problemCount).append(" bad input(s) skipped");
    return sb.toString();
  }
}
