package org.asr3m.worker.progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes a run's training curves to the metrics table at a bounded rate: step metrics are kept
 * at most once per {@code minInterval} (the newest wins, so a fast tiny model does not write a
 * row per update) and written in one batch per flush; epoch metrics (dev losses, expert shares)
 * are always kept. One sink per stage execution; not thread-safe (the training thread owns it).
 */
public final class MetricsSink implements AutoCloseable {
  private final JdbcTemplate jdbc;
  private final long runId;
  private final String stage;
  private final long minIntervalNanos;
  private final List<Object[]> buffer = new ArrayList<>();
  private long lastKept = Long.MIN_VALUE;
  private long lastFlush = System.nanoTime();

  public MetricsSink(JdbcTemplate jdbc, long runId, String stage, Duration minInterval) {
    this.jdbc = jdbc;
    this.runId = runId;
    this.stage = stage;
    this.minIntervalNanos = minInterval.toNanos();
  }

  /** Metrics of one optimiser step; dropped when the previous kept step is younger than the interval. */
  public void step(long step, int epoch, Map<String, Double> values, boolean force) {
    long now = System.nanoTime();
    if (!force && lastKept != Long.MIN_VALUE && now - lastKept < minIntervalNanos) {
      return;
    }
    lastKept = now;
    add(step, epoch, values);
    if (now - lastFlush >= minIntervalNanos) {
      flush();
    }
  }

  /** Metrics that must not be thinned out (end of epoch: dev losses, expert utilisation). */
  public void always(long step, int epoch, Map<String, Double> values) {
    add(step, epoch, values);
    flush();
  }

  private void add(long step, int epoch, Map<String, Double> values) {
    values.forEach((name, v) -> {
      if (v != null && Double.isFinite(v)) {
        buffer.add(new Object[] {runId, stage, name, step, epoch, v});
      }
    });
  }

  public void flush() {
    if (!buffer.isEmpty()) {
      jdbc.batchUpdate("insert into metrics (run_id, stage, name, step, epoch, metric_value) values (?, ?, ?, ?, ?, ?)",
          buffer);
      buffer.clear();
    }
    lastFlush = System.nanoTime();
  }

  @Override
  public void close() {
    flush();
  }
}
