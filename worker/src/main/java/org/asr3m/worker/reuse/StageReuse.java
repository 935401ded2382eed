package org.asr3m.worker.reuse;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reuse of stage outputs across runs. A stage identified by (stage, input hash) is produced once:
 * the first run to need it claims the row and computes it; a run that finds it COMPLETED links the
 * outputs; a run that finds it being produced by another live run waits for it, so a sweep over
 * 4/16/64 experts prepares features, pretrains the embedding network and trains the base once.
 * When the producer failed or died (its run is no longer RUNNING), the next run takes the claim over.
 */
@Component
public class StageReuse {
  private final JdbcClient jdbc;

  public StageReuse(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What {@link #acquire} decided. */
  public sealed interface Decision {}

  /** Compute the stage (this run owns the claim) and write its outputs under {@code prefix}. */
  public record Produce(String prefix) implements Decision {}

  /** Link the outputs of run {@code runId} under {@code prefix}. */
  public record Reuse(long runId, String prefix) implements Decision {}

  /**
   * Decides whether run {@code runId} computes the stage or reuses an earlier one; waits (polling)
   * while another live run is producing it, up to {@code maxWait}.
   *
   * @param ownPrefix where this run would write the outputs
   */
  public Decision acquire(String stage, String hash, long runId, String ownPrefix, Duration maxWait)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(maxWait);
    while (true) {
      try {
        jdbc.sql("insert into stage_outputs (stage, input_hash, run_id, status, output_prefix) values (?, ?, ?, 'RUNNING', ?)")
            .params(stage, hash, runId, ownPrefix).update();
        return new Produce(ownPrefix);
      } catch (DuplicateKeyException taken) {
        // someone has or had it
      }
      var row = jdbc.sql("select o.run_id, o.status, o.output_prefix, r.status as run_status from stage_outputs o"
              + " join runs r on r.id = o.run_id where o.stage = ? and o.input_hash = ?")
          .params(stage, hash)
          .query((rs, i) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)})
          .optional();
      if (row.isEmpty()) {
        continue; // deleted in between: try to insert again
      }
      long owner = (Long) row.get()[0];
      String status = (String) row.get()[1];
      String prefix = (String) row.get()[2];
      String ownerRunStatus = (String) row.get()[3];
      if (status.equals("COMPLETED")) {
        return owner == runId ? new Produce(prefix) : new Reuse(owner, prefix);
      }
      if (owner == runId) {
        return new Produce(prefix); // our own claim from before a restart: resume it
      }
      boolean ownerAlive = status.equals("RUNNING") && ownerRunStatus.equals("RUNNING");
      if (!ownerAlive) {
        int n = jdbc.sql("update stage_outputs set run_id = ?, status = 'RUNNING', output_prefix = ?, finished_at = null"
                + " where stage = ? and input_hash = ? and run_id = ? and status = ?")
            .params(runId, ownPrefix, stage, hash, owner, status).update();
        if (n == 1) {
          return new Produce(ownPrefix);
        }
        continue;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("stage " + stage + " with the same inputs is still being produced by run "
            + owner + " after waiting " + maxWait + "; resume this run later");
      }
      Thread.sleep(1000);
    }
  }

  public void completed(String stage, String hash, long runId) {
    jdbc.sql("update stage_outputs set status = 'COMPLETED', finished_at = ? where stage = ? and input_hash = ? and run_id = ?")
        .params(OffsetDateTime.now(ZoneOffset.UTC), stage, hash, runId).update();
  }

  public void failed(String stage, String hash, long runId) {
    jdbc.sql("update stage_outputs set status = 'FAILED', finished_at = ? where stage = ? and input_hash = ? and run_id = ?"
            + " and status = 'RUNNING'")
        .params(OffsetDateTime.now(ZoneOffset.UTC), stage, hash, runId).update();
  }

  /** The outputs recorded for (stage, hash) are unusable (deleted from the store): the next run produces them again. */
  public void invalidate(String stage, String hash) {
    jdbc.sql("update stage_outputs set status = 'FAILED' where stage = ? and input_hash = ?").params(stage, hash).update();
  }
}
