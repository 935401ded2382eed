package org.asr3m.platform.sweep;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.recipe.Recipe;
import org.asr3m.worker.run.RunRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reconciler of one sweep: launches planned points as QUEUED runs while the sweep's
 * concurrency cap leaves slots (never while paused), and applies the early-stopping rule to its
 * running runs. The sweep row is locked for the whole pass, so two passes (two API instances, or
 * a tick and a request) never launch the same point twice or exceed the cap.
 */
@Component
public class SweepLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(SweepLauncher.class);
  private final SweepRepository sweeps;
  private final RunRepository runs;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;

  SweepLauncher(SweepRepository sweeps, RunRepository runs, JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
    this.sweeps = sweeps;
    this.runs = runs;
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  /** One pass over sweep {@code sweepId}; returns the number of runs launched. */
  public int reconcile(long sweepId) {
    Integer launched = tx.execute(s -> {
      var sweep = sweeps.lock(sweepId).orElse(null);
      if (sweep == null) {
        return 0;
      }
      int n = 0;
      if (sweep.status().equals("ACTIVE")) {
        int slots = sweep.maxConcurrent() <= 0 ? Integer.MAX_VALUE : sweep.maxConcurrent() - sweeps.active(sweepId);
        if (slots > 0) {
          for (var p : sweeps.planned(sweepId, Math.min(slots, SweepPlanner.MAX_POINTS))) {
            launch(sweep, p);
            n++;
          }
        }
      }
      if (sweep.earlyStopping() != null) {
        stopHopeless(sweep);
      }
      return n;
    });
    return launched == null ? 0 : launched;
  }

  private void launch(SweepRepository.SweepRow sweep, SweepRepository.PointRow p) {
    long seed = Recipe.fromYaml(Path.of(p.label().isEmpty() ? "recipe" : p.label()), p.recipe()).train().seed();
    String name = sweep.name() + (sweep.schedule() == null ? "" : "@" + p.fireTime().toInstant())
        + (p.label().isEmpty() ? "" : "/" + p.label());
    if (name.length() > 200) { // runs.name is varchar(200); the point keeps the full label
      name = name.substring(0, 199) + "…";
    }
    long runId = runs.insert(new RunRepository.NewRun(name, p.recipe(), p.modelType(), p.numExperts(), seed,
        sweep.trainData(), sweep.devData(), sweep.testData(), sweep.maxEpochs(), sweep.maxSteps(), null));
    sweeps.launched(p.id(), runId, SweepRepository.utc(clock.instant()));
    LOG.info("sweep {} launched run {} ({})", sweep.id(), runId, name);
  }

  /** Cancels running runs that the median stopping rule judges hopeless, per firing. */
  private void stopHopeless(SweepRepository.SweepRow sweep) {
    var points = sweeps.points(sweep.id());
    Map<Object, List<SweepRepository.PointRow>> byFiring = new HashMap<>();
    for (var p : points) {
      if (p.runId() != null) {
        byFiring.computeIfAbsent(p.fireTime().toInstant(), k -> new java.util.ArrayList<>()).add(p);
      }
    }
    for (var group : byFiring.values()) {
      Map<Long, List<MedianStoppingRule.Point>> curves = new HashMap<>();
      for (var p : group) {
        curves.put(p.runId(), jdbc.sql("select step, epoch, metric_value from metrics where run_id = ? and stage = 'train'"
                + " and name = 'dev_loss' order by step").param(p.runId())
            .query((rs, i) -> new MedianStoppingRule.Point(rs.getLong(1), rs.getInt(2), rs.getDouble(3))).list());
      }
      for (var p : group) {
        if (!"RUNNING".equals(p.runStatus()) || p.stoppedAt() != null) {
          continue;
        }
        MedianStoppingRule.judge(p.runId(), curves, sweep.earlyStopping()).ifPresent(d -> {
          int n = jdbc.sql("update runs set cancel_requested = true where id = ? and status in ('QUEUED', 'RUNNING')")
              .param(d.run()).update();
          if (n == 1 && sweeps.stopped(p.id(), d.reason(), SweepRepository.utc(clock.instant()))) {
            LOG.info("sweep {}: run {} stopped early: {}", sweep.id(), d.run(), d.reason());
          }
        });
      }
    }
  }
}
