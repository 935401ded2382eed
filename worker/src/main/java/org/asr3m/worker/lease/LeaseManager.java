package org.asr3m.worker.lease;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Claims on runs as leases in the database: a worker owns a run while its lease is live and
 * renews it with heartbeats; when a worker dies its lease runs out and any other worker may take
 * the run over. Claims are compare-and-set updates, so two workers can never own one run, and
 * nothing depends on a broker holding an unacknowledged message for the length of a training run.
 */
@Component
public class LeaseManager {
  private final JdbcClient jdbc;

  public LeaseManager(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Takes the oldest run that is queued or whose owner's lease has expired. */
  public Optional<Long> claimNext(String workerId, Duration lease) {
    Instant now = Instant.now();
    List<Long> candidates = jdbc.sql("select id from runs where status = 'QUEUED' or (status = 'RUNNING'"
            + " and (lease_expires_at is null or lease_expires_at < ?)) order by created_at, id limit 20")
        .param(time(now)).query(Long.class).list();
    for (long id : candidates) {
      if (claim(id, workerId, lease)) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /** Takes run {@code id} if it is queued, expired, or already ours (a restarted process with the same id). */
  public boolean claim(long id, String workerId, Duration lease) {
    Instant now = Instant.now();
    int n = jdbc.sql("update runs set status = 'RUNNING', worker_id = ?, lease_expires_at = ?, attempts = attempts + 1,"
            + " started_at = coalesce(started_at, ?), failure_reason = null, finished_at = null where id = ? and ("
            + " status = 'QUEUED' or (status = 'RUNNING' and (lease_expires_at is null or lease_expires_at < ?"
            + " or worker_id = ?)))")
        .params(workerId, time(now.plus(lease)), time(now), id, time(now), workerId).update();
    return n == 1;
  }

  /** Extends the lease; false when it is no longer ours (it expired and another worker took the run). */
  public boolean renew(long id, String workerId, Duration lease) {
    return jdbc.sql("update runs set lease_expires_at = ? where id = ? and worker_id = ? and status = 'RUNNING'")
        .params(time(Instant.now().plus(lease)), id, workerId).update() == 1;
  }

  /** Gives a run back (graceful stop): queued again, so the next free worker resumes it from its checkpoint. */
  public void release(long id, String workerId) {
    jdbc.sql("update runs set status = 'QUEUED', worker_id = null, lease_expires_at = null where id = ? and worker_id = ?"
            + " and status = 'RUNNING'")
        .params(id, workerId).update();
  }

  static OffsetDateTime time(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
