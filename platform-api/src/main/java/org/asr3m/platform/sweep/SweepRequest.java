package org.asr3m.platform.sweep;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/sweeps}: what to vary and when.
 *
 * @param name unique name; runs are named {@code <name>/<point label>}
 * @param recipe the base recipe (YAML text); may be omitted when every variant brings its own
 * @param train training data: a local directory, {@code store:<prefix>} or a registered data set's name
 * @param dev development data (dev loss, checkpoint averaging), same forms
 * @param test test sets: name → location (same forms), evaluated after training
 * @param grid recipe path → values; the points are the cartesian product ({@code moe_conf.num_experts: [4, 16, 64]})
 * @param variants named recipes (a whole {@code recipe}, and/or {@code set}: path → value on top of
 *     the base), each combined with every grid point: "Conformer vs Conformer-MoE vs 3M"
 * @param schedule cron expression (Spring's 6 fields with seconds, or the classic 5); null: fire once now
 * @param timeZone zone of the cron expression (default UTC)
 * @param maxConcurrent at most this many of the sweep's runs queued or running at once (0 or null: no cap)
 * @param earlyStopping median stopping rule on dev loss; null: off
 * @param maxEpochs override of every point's max_epoch (0 or null: the recipe's)
 * @param maxSteps stop training after this many updates (0 or null: no limit)
 */
public record SweepRequest(String name, String description, String recipe, String train, String dev,
    Map<String, String> test, Map<String, List<Object>> grid, List<Variant> variants, String schedule, String timeZone,
    Integer maxConcurrent, EarlyStopping earlyStopping, Integer maxEpochs, Long maxSteps) {

  /** A named recipe of the sweep. */
  public record Variant(String name, String recipe, Map<String, Object> set) {}

  /**
   * Median stopping rule: a run whose best {@code dev_loss} up to its latest step s is worse than
   * the median of the other runs' best values up to s (among those that reached s) is cancelled.
   *
   * @param minSteps judge a run only from this step on (default 0)
   * @param minEpochs ... and once it has finished this many epochs (default 1: after its first dev evaluation)
   * @param minRuns at least this many other runs must have reached step s (default 2)
   */
  public record EarlyStopping(Long minSteps, Integer minEpochs, Integer minRuns) {
    long steps() {
      return minSteps == null ? 0 : minSteps;
    }

    int epochs() {
      return minEpochs == null ? 1 : minEpochs;
    }

    int runs() {
      return minRuns == null ? 2 : minRuns;
    }
  }
}
