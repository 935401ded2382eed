package org.asr3m.platform.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", 2017) on dev loss (lower is
 * better): a running run whose best value up to its latest step s is worse than the median of
 * the other runs' best values up to s — counting only runs that have reached s, so curves are
 * compared at matching steps — is stopped. A run is judged only after {@code minSteps} steps and
 * {@code minEpochs} finished epochs (the metrics table numbers epochs from 0), and only when at least {@code minRuns} other runs reached s.
 */
final class MedianStoppingRule {
  private MedianStoppingRule() {}

  /** One dev-loss measurement. */
  record Point(long step, int epoch, double value) {}

  /** Why {@code run} should stop. */
  record Decision(long run, long step, double best, double median, int others, String reason) {}

  /**
   * Judges {@code candidate} against {@code curves} (run → its dev-loss points, any order).
   */
  static Optional<Decision> judge(long candidate, Map<Long, List<Point>> curves, SweepRequest.EarlyStopping conf) {
    List<Point> mine = curves.getOrDefault(candidate, List.of());
    if (mine.isEmpty()) {
      return Optional.empty();
    }
    long s = mine.stream().mapToLong(Point::step).max().getAsLong();
    int epochs = mine.stream().mapToInt(Point::epoch).max().getAsInt() + 1; // metrics count epochs from 0
    if (s < conf.steps() || epochs < conf.epochs()) {
      return Optional.empty();
    }
    double best = bestUpTo(mine, s);
    List<Double> others = new ArrayList<>();
    curves.forEach((run, points) -> {
      if (run != candidate && !points.isEmpty() && points.stream().mapToLong(Point::step).max().getAsLong() >= s) {
        double b = bestUpTo(points, s);
        if (!Double.isNaN(b)) {
          others.add(b);
        }
      }
    });
    if (others.size() < Math.max(1, conf.runs())) {
      return Optional.empty();
    }
    double median = median(others);
    if (!(best > median)) {
      return Optional.empty();
    }
    String reason = String.format(Locale.ROOT, "median stopping rule: best dev_loss %.4f up to step %d (%d epoch(s))"
        + " is worse than the median %.4f of %d other run(s) at that step", best, s, epochs, median, others.size());
    return Optional.of(new Decision(candidate, s, best, median, others.size(), reason));
  }

  /** Lowest value at or before {@code step}; NaN when there is none. */
  static double bestUpTo(List<Point> points, long step) {
    return points.stream().filter(p -> p.step() <= step).mapToDouble(Point::value).min().orElse(Double.NaN);
  }

  static double median(List<Double> values) {
    List<Double> v = values.stream().sorted().toList();
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }
}
