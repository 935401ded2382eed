package org.asr3m.platform.metric;

import java.util.List;

/**
 * Metric rows of a run for plotting, one columnar series per (stage, name).
 *
 * @param lastId the id of the last row returned (or {@code after} when none): pass it as {@code after}
 *     to get only newer rows
 * @param truncated more rows matched than {@code limit}; ask again with {@code after=lastId}
 */
public record MetricSeries(long runId, long after, long lastId, boolean truncated, List<Series> series) {

  /** One curve: {@code step[i]}, {@code epoch[i]} (may be null), {@code value[i]}, in row order. */
  public record Series(String stage, String name, List<Long> step, List<Integer> epoch, List<Double> value) {}

  /** A metric a run has, with how many rows and the last step. */
  public record Name(String stage, String name, long rows, long lastStep) {}
}
