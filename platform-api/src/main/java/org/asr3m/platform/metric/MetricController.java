package org.asr3m.platform.metric;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.run.RunQueries;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Training curves of a run: loss terms, lr, grad norm, dev losses, router entropy, expert shares. */
@RestController
@Tag(name = "Metrics", description = "Time series the workers write while training, for plotting")
class MetricController {
  static final int MAX_LIMIT = 100_000;
  private final MetricQueries metrics;
  private final RunQueries runs;

  MetricController(MetricQueries metrics, RunQueries runs) {
    this.metrics = metrics;
    this.runs = runs;
  }

  @GetMapping("/api/runs/{id}/metrics")
  @Operation(summary = "Metric series of a run", description = "Rows with id > after (default 0), in row order, at"
      + " most limit (default 10000, max 100000), grouped into one columnar series per (stage, name). Poll with"
      + " after=lastId for new rows only.")
  MetricSeries series(@PathVariable long id,
      @Parameter(description = "comma-separated names; a trailing * matches a prefix (expert_share/*)",
          example = "loss,ctc,lr") @RequestParam(required = false) String names,
      @Parameter(description = "featurePrep, embeddingPretrain, baseTrain or train", example = "train")
      @RequestParam(required = false) String stage,
      @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "10000") int limit) {
    if (runs.status(id) == null) {
      throw new NotFoundException("run", id);
    }
    List<FieldError> errors = new ArrayList<>();
    if (after < 0) {
      errors.add(new FieldError("after", null, "must be 0 or a row id, got " + after));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      errors.add(new FieldError("limit", null, "must be between 1 and " + MAX_LIMIT + ", got " + limit));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException("invalid query", errors);
    }
    List<String> wanted = names == null ? List.of() : Arrays.stream(names.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    List<MetricQueries.Row> rows = metrics.rows(id, wanted, stage == null || stage.isBlank() ? null : stage.strip(),
        after, limit);
    Map<String, MetricSeries.Series> series = new LinkedHashMap<>();
    for (MetricQueries.Row r : rows) {
      MetricSeries.Series s = series.computeIfAbsent(r.stage() + "\u0000" + r.name(), k -> new MetricSeries.Series(
          r.stage(), r.name(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
      s.step().add(r.step());
      s.epoch().add(r.epoch());
      s.value().add(r.value());
    }
    long last = rows.isEmpty() ? after : rows.get(rows.size() - 1).id();
    return new MetricSeries(id, after, last, rows.size() == limit, List.copyOf(series.values()));
  }

  @GetMapping("/api/runs/{id}/metrics/names")
  @Operation(summary = "Which metrics a run has", description = "Per (stage, name): row count and last step.")
  List<MetricSeries.Name> names(@PathVariable long id) {
    if (runs.status(id) == null) {
      throw new NotFoundException("run", id);
    }
    return metrics.names(id);
  }
}
