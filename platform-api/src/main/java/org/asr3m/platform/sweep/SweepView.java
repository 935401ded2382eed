package org.asr3m.platform.sweep;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The JSON of the sweeps resource. */
public final class SweepView {
  private SweepView() {}

  /** A sweep in the list (and the head of its detail). {@code counts}: point state → number of points. */
  public record Summary(long id, String name, String description, String status, String schedule, String timeZone,
      OffsetDateTime nextFireAt, int maxConcurrent, SweepRequest.EarlyStopping earlyStopping, OffsetDateTime createdAt,
      int points, Map<String, Integer> counts) {}

  /** {@code GET /api/sweeps/{id}}. */
  public record Detail(long id, String name, String description, String status, String schedule, String timeZone,
      OffsetDateTime nextFireAt, int maxConcurrent, SweepRequest.EarlyStopping earlyStopping, OffsetDateTime createdAt,
      Map<String, Integer> counts, String recipe, Map<String, List<Object>> grid, List<SweepRequest.Variant> variants,
      String train, String dev, Map<String, String> test, int maxEpochs, long maxSteps, List<Firing> firings,
      List<Point> points, List<Stopped> stopped, List<Series> series) {}

  public record Firing(OffsetDateTime fireTime, int points, OffsetDateTime createdAt) {}

  /**
   * One planned point; {@code status} is PLANNED until launched, then its run's status.
   */
  public record Point(long id, OffsetDateTime fireTime, int ordinal, String label, String variant,
      Map<String, Object> overrides, String modelType, Integer experts, Long run, String runName, String status,
      OffsetDateTime launchedAt, boolean stopped, String stoppedReason) {}

  /** A run cancelled by the early-stopping rule, and why. */
  public record Stopped(long run, long point, String label, String reason, OffsetDateTime stoppedAt) {}

  /** CER against experts / parameters / FLOPs for one test set × decoding mode (the Pareto chart). */
  public record Series(String testSet, String mode, List<SeriesPoint> points) {}

  public record SeriesPoint(Integer experts, Long parameters, Double flopsPerSecond, double cer, long run, String label,
      String modelType) {}
}
