package org.asr3m.platform.sweep;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.platform.web.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A firing of a sweep: its points planned once per (sweep, fire time). The sweep_firings primary
 * key makes the firing happen exactly once even when two API instances or two ticks reach the
 * same time together: the loser's insert fails and its whole transaction (points included) is
 * rolled back. Points are launched later by {@link SweepLauncher}.
 */
@Component
public class SweepFiring {
  private static final Logger LOG = LoggerFactory.getLogger(SweepFiring.class);
  private final SweepRepository sweeps;
  private final TransactionTemplate tx;
  private final Clock clock;

  SweepFiring(SweepRepository sweeps, TransactionTemplate tx, Clock clock) {
    this.sweeps = sweeps;
    this.tx = tx;
    this.clock = clock;
  }

  /** Plans the points of sweep {@code sweepId} for {@code fireTime}; false when that firing already happened. */
  public boolean fire(long sweepId, Instant fireTime) {
    try {
      return Boolean.TRUE.equals(tx.execute(s -> {
        var sweep = sweeps.find(sweepId).orElse(null);
        if (sweep == null) {
          return false;
        }
        plan(sweep, SweepRepository.utc(fireTime));
        return true;
      }));
    } catch (DuplicateKeyException e) {
      LOG.debug("sweep {} already fired at {}", sweepId, fireTime);
      return false;
    }
  }

  /**
   * Fires sweep {@code sweepId} if it is active, scheduled and due at the clock's time, and moves
   * its next firing time on. The sweep row is locked meanwhile, so concurrent ticks serialise.
   * Returns the time fired, or null.
   */
  public Instant fireIfDue(long sweepId) {
    Instant now = clock.instant();
    try {
      return tx.execute(s -> {
        var sweep = sweeps.lock(sweepId).orElse(null);
        if (sweep == null || !sweep.status().equals("ACTIVE") || sweep.schedule() == null || sweep.nextFireAt() == null
            || sweep.nextFireAt().toInstant().isAfter(now)) {
          return null;
        }
        CronSchedule cron = CronSchedule.parse(sweep.schedule(), sweep.timeZone());
        Instant at = cron.latestDue(sweep.nextFireAt().toInstant(), now);
        plan(sweep, SweepRepository.utc(at));
        sweeps.nextFireAt(sweepId, SweepRepository.utc(cron.next(at)));
        LOG.info("sweep {} '{}' fired for {}", sweepId, sweep.name(), at);
        return at;
      });
    } catch (DuplicateKeyException e) {
      return null;
    }
  }

  /** Time of a "now" firing: millisecond precision, as every database stores it exactly. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private void plan(SweepRepository.SweepRow sweep, OffsetDateTime at) {
    List<ValidationException.FieldError> errors = new ArrayList<>();
    var points = SweepPlanner.plan(SweepService.request(sweep), errors);
    if (!errors.isEmpty()) {
      // validated at creation; only a changed recipe format could get here
      throw new IllegalStateException("sweep " + sweep.id() + " no longer plans: " + errors);
    }
    sweeps.insertFiring(sweep.id(), at, points.size());
    for (var p : points) {
      sweeps.insertPoint(sweep.id(), at, p);
    }
  }
}
