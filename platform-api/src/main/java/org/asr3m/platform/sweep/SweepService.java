package org.asr3m.platform.sweep;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.web.ConflictException;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Creates, reads, pauses, resumes and deletes sweeps. */
@Service
public class SweepService {
  private final SweepRepository sweeps;
  private final SweepFiring firing;
  private final SweepLauncher launcher;
  private final JdbcClient jdbc;

  SweepService(SweepRepository sweeps, SweepFiring firing, SweepLauncher launcher, JdbcClient jdbc) {
    this.sweeps = sweeps;
    this.firing = firing;
    this.launcher = launcher;
    this.jdbc = jdbc;
  }

  /** Validates and stores the sweep; without a schedule it fires at once and launches what the cap allows. */
  public SweepView.Detail create(SweepRequest r) {
    List<FieldError> errors = new ArrayList<>();
    if (r.name() == null || r.name().isBlank()) {
      errors.add(new FieldError("name", null, "a sweep needs a name"));
    } else if (r.name().length() > 200) {
      errors.add(new FieldError("name", null, "at most 200 characters"));
    }
    if (r.train() == null || r.train().isBlank()) {
      errors.add(new FieldError("train", null, "the training data set (a registered name, a directory or store:<prefix>)"));
    }
    if (r.dev() == null || r.dev().isBlank()) {
      errors.add(new FieldError("dev", null, "the development data set (a registered name, a directory or store:<prefix>)"));
    }
    if (r.test() != null) {
      r.test().forEach((k, v) -> {
        if (k.isBlank() || v == null || v.isBlank()) {
          errors.add(new FieldError("test." + k, null, "a test set needs a name and a location"));
        }
      });
    }
    CronSchedule cron = null;
    if (r.schedule() != null && !r.schedule().isBlank()) {
      try {
        cron = CronSchedule.parse(r.schedule(), r.timeZone());
      } catch (java.time.DateTimeException e) {
        errors.add(new FieldError("timeZone", null, "unknown time zone '" + r.timeZone() + "'"));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("schedule", null, "not a cron expression: " + e.getMessage()));
      }
    }
    if (r.maxConcurrent() != null && r.maxConcurrent() < 0) {
      errors.add(new FieldError("maxConcurrent", null, "must be >= 0 (0: no cap)"));
    }
    if (r.maxEpochs() != null && r.maxEpochs() < 0) {
      errors.add(new FieldError("maxEpochs", null, "must be >= 0 (0: the recipe's max_epoch)"));
    }
    if (r.maxSteps() != null && r.maxSteps() < 0) {
      errors.add(new FieldError("maxSteps", null, "must be >= 0 (0: no limit)"));
    }
    var es = r.earlyStopping();
    if (es != null && (es.steps() < 0 || es.epochs() < 0 || es.runs() < 1)) {
      errors.add(new FieldError("earlyStopping", null, "minSteps and minEpochs must be >= 0, minRuns >= 1"));
    }
    SweepPlanner.plan(r, errors);
    if (!errors.isEmpty()) {
      throw new ValidationException("the sweep is invalid (" + errors.size() + " problem" + (errors.size() == 1 ? "" : "s")
          + ")", errors);
    }
    if (sweeps.nameTaken(r.name())) {
      throw new ConflictException("a sweep named '" + r.name().strip() + "' already exists");
    }
    Map<String, String> test = new LinkedHashMap<>();
    if (r.test() != null) {
      r.test().forEach((k, v) -> test.put(k.strip(), location(v)));
    }
    OffsetDateTime next = null;
    if (cron != null) {
      Instant n = cron.next(firing.now());
      if (n == null) {
        throw new ValidationException("the sweep is invalid", List.of(new FieldError("schedule", null, "never fires")));
      }
      next = SweepRepository.utc(n);
    }
    long id;
    try {
      id = sweeps.insert(r, location(r.train()), location(r.dev()), test, next);
    } catch (org.springframework.dao.DuplicateKeyException e) {
      throw new ConflictException("a sweep named '" + r.name().strip() + "' already exists");
    }
    if (cron == null) {
      firing.fire(id, firing.now());
    }
    launcher.reconcile(id);
    return get(id);
  }

  public List<SweepView.Summary> list() {
    List<SweepView.Summary> out = new ArrayList<>();
    for (var s : sweeps.list()) {
      var points = sweeps.points(s.id());
      out.add(new SweepView.Summary(s.id(), s.name(), s.description(), s.status(), s.schedule(), s.timeZone(),
          s.nextFireAt(), s.maxConcurrent(), s.earlyStopping(), s.createdAt(), points.size(), counts(points)));
    }
    return out;
  }

  public SweepView.Detail get(long id) {
    var s = sweeps.find(id).orElseThrow(() -> new NotFoundException("sweep", id));
    var points = sweeps.points(id);
    List<SweepView.Point> pv = new ArrayList<>();
    List<SweepView.Stopped> stopped = new ArrayList<>();
    for (var p : points) {
      pv.add(view(p));
      if (p.stoppedAt() != null && p.runId() != null) {
        stopped.add(new SweepView.Stopped(p.runId(), p.id(), p.label(), p.stoppedReason(), p.stoppedAt()));
      }
    }
    List<SweepView.Firing> firings = sweeps.firings(id).stream()
        .map(f -> new SweepView.Firing(f.fireTime(), f.points(), f.createdAt())).toList();
    return new SweepView.Detail(s.id(), s.name(), s.description(), s.status(), s.schedule(), s.timeZone(), s.nextFireAt(),
        s.maxConcurrent(), s.earlyStopping(), s.createdAt(), counts(points), s.baseRecipe(), s.grid(), s.variants(),
        s.trainData(), s.devData(), s.testData(), s.maxEpochs(), s.maxSteps(), firings, pv, stopped, series(id));
  }

  /** No new firings or launches; runs already launched go on. */
  public SweepView.Detail pause(long id) {
    sweeps.find(id).orElseThrow(() -> new NotFoundException("sweep", id));
    sweeps.status(id, "PAUSED", null);
    return get(id);
  }

  /** Active again: the schedule continues from now (firings missed while paused are not made up). */
  public SweepView.Detail resume(long id) {
    var s = sweeps.find(id).orElseThrow(() -> new NotFoundException("sweep", id));
    OffsetDateTime next = null;
    if (s.schedule() != null) {
      Instant n = CronSchedule.parse(s.schedule(), s.timeZone()).next(firing.now());
      next = n == null ? null : SweepRepository.utc(n);
    }
    sweeps.status(id, "ACTIVE", next);
    launcher.reconcile(id);
    return get(id);
  }

  /** Deletes the sweep and cancels its unfinished runs (finished runs and their results stay). */
  public void delete(long id) {
    sweeps.find(id).orElseThrow(() -> new NotFoundException("sweep", id));
    sweeps.status(id, "PAUSED", null); // no launches while we cancel
    for (var p : sweeps.points(id)) {
      if (p.runId() != null) {
        jdbc.sql("update runs set cancel_requested = true where id = ? and status in ('QUEUED', 'RUNNING')")
            .param(p.runId()).update();
        // a queued run never reaches a worker's batch check: cancel it here (compare-and-set against a claim)
        jdbc.sql("update runs set status = 'CANCELLED', finished_at = ?, failure_reason = ? where id = ? and status = 'QUEUED'")
            .params(SweepRepository.utc(Instant.now()), "cancelled: sweep " + id + " was deleted", p.runId()).update();
      }
    }
    sweeps.delete(id);
  }

  /** The runs of a sweep in point order (for the CER table), with the points' labels. */
  public List<SweepView.Point> points(long id) {
    sweeps.find(id).orElseThrow(() -> new NotFoundException("sweep", id));
    return sweeps.points(id).stream().map(SweepService::view).toList();
  }

  private static SweepView.Point view(SweepRepository.PointRow p) {
    return new SweepView.Point(p.id(), p.fireTime(), p.ordinal(), p.label(), p.variant(), p.overrides(), p.modelType(),
        p.numExperts(), p.runId(), p.runName(), state(p), p.launchedAt(), p.stoppedAt() != null, p.stoppedReason());
  }

  private List<SweepView.Series> series(long sweepId) {
    Map<String, SweepView.Series> series = new LinkedHashMap<>();
    // one query for all points (the UI polls this): launched points × their results
    jdbc.sql("select x.test_set, x.decode_mode, x.cer, p.num_experts, r.parameters, r.flops_per_second, r.id, p.label,"
            + " p.model_type from sweep_points p join runs r on r.id = p.run_id join results x on x.run_id = r.id"
            + " where p.sweep_id = ? order by x.test_set, x.decode_mode, p.fire_time, p.ordinal").param(sweepId)
        .query((rs, i) -> {
          String ts = rs.getString(1);
          String mode = rs.getString(2);
          series.computeIfAbsent(ts + "\u0000" + mode, k -> new SweepView.Series(ts, mode, new ArrayList<>())).points()
              .add(new SweepView.SeriesPoint(rs.getObject(4, Integer.class), rs.getObject(5, Long.class),
                  rs.getObject(6, Double.class), rs.getDouble(3), rs.getLong(7), rs.getString(8), rs.getString(9)));
          return null;
        }).list();
    Comparator<SweepView.SeriesPoint> order = Comparator.comparing((SweepView.SeriesPoint x) -> x.experts() == null ? 0
        : x.experts()).thenComparing(x -> x.parameters() == null ? 0L : x.parameters()).thenComparing(SweepView.SeriesPoint::run);
    series.values().forEach(s -> s.points().sort(order));
    return List.copyOf(series.values());
  }

  private static String state(SweepRepository.PointRow p) {
    return p.runId() == null ? "PLANNED" : p.runStatus() == null ? "DELETED" : p.runStatus();
  }

  private static Map<String, Integer> counts(List<SweepRepository.PointRow> points) {
    Map<String, Integer> c = new LinkedHashMap<>();
    for (String k : List.of("PLANNED", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED")) {
      c.put(k, 0);
    }
    for (var p : points) {
      c.merge(state(p), 1, Integer::sum);
    }
    return c;
  }

  /** A registered data set's location when {@code v} names one, else {@code v} itself (a directory or store:<prefix>). */
  private String location(String v) {
    String s = v.strip();
    return jdbc.sql("select location from datasets where name = ?").param(s).query(String.class).optional().orElse(s);
  }

  /** The stored sweep as the request that plans its points. */
  static SweepRequest request(SweepRepository.SweepRow s) {
    return new SweepRequest(s.name(), s.description(), s.baseRecipe(), s.trainData(), s.devData(), s.testData(), s.grid(),
        s.variants(), s.schedule(), s.timeZone(), s.maxConcurrent(), s.earlyStopping(), s.maxEpochs(), s.maxSteps());
  }
}
