package org.asr3m.worker.step;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.progress.StageLog;
import org.asr3m.worker.reuse.StageReuse;
import org.asr3m.worker.run.RunControl;
import org.asr3m.worker.run.RunRecord;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.run.StageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every stage does around its own work, whether it is one tasklet or a partitioned step:
 * open the stage (row RUNNING, stage log), decide between reuse and production, and close it
 * (row COMPLETED / REUSED / SKIPPED / FAILED with a readable reason; the log kept as the artefact
 * {@code runs/<id>/logs/<stage>.log} whatever the outcome).
 */
final class StageFrame {
  private static final Logger LOG = LoggerFactory.getLogger(StageFrame.class);
  private final StageServices services;
  private final Stage stage;

  StageFrame(StageServices services, Stage stage) {
    this.services = services;
    this.stage = stage;
  }

  /** Marks the stage running and opens its log (appended to across restarts and partitions). */
  StageContext open(long runId) {
    RunRecord run = services.runs().get(runId);
    var workDir = services.props().workDir();
    Path file = workDir.resolve("runs").resolve(Long.toString(runId)).resolve("logs").resolve(stage.stepName() + ".log");
    continueStoredLog(runId, file);
    StageLog log = new StageLog(file);
    StageContext ctx = new StageContext(run, stage, workDir, services.store(), services.jdbc(), log);
    services.runs().stageStarted(runId, stage, null);
    return ctx;
  }

  /**
   * A stage resumed on another worker (after a crash or a graceful stop) goes on with the log the
   * earlier attempt stored, so the stored log keeps every attempt.
   */
  private void continueStoredLog(long runId, Path file) {
    if (Files.exists(file)) {
      return;
    }
    String key = "runs/" + runId + "/logs/" + stage.stepName() + ".log";
    try {
      if (services.store().stat(key).isPresent()) {
        Files.createDirectories(file.getParent());
        services.store().get(key, file);
      }
    } catch (IOException e) {
      LOG.warn("run {}: could not fetch the stored log of stage {}: {}", runId, stage.stepName(), e.toString());
    }
  }

  void finished(StageContext ctx, StageOutcome o) {
    ctx.log().line("%s: %s%s", o.status(), o.outputPrefix() == null ? "" : o.outputPrefix(),
        o.message() == null ? "" : " (" + o.message() + ")");
    services.runs().stageFinished(ctx.run().id(), stage, o.status(), o.outputPrefix(), o.reusedFromRun(), o.message());
    LOG.info("run {} stage {}: {}", ctx.run().id(), stage.stepName(), o.status());
  }

  /** Records the failure on the stage row and the log; returns the exception for the step to throw. */
  StageTasklet.StageFailedException failed(StageContext ctx, Throwable e) {
    String reason = FailureReason.of(e);
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    ctx.log().line("FAILED: %s%n%s", reason, trace);
    // an interrupted stage (cancel, lost lease, shutdown) is not the stage's fault: it resumes later
    boolean interrupted = e instanceof RunControl.RunInterruptedException;
    services.runs().stageFinished(ctx.run().id(), stage, interrupted ? StageStatus.PENDING : StageStatus.FAILED, null,
        null, reason);
    LOG.warn("run {} stage {} failed: {}", ctx.run().id(), stage.stepName(), reason);
    return new StageTasklet.StageFailedException(stage, reason, e);
  }

  /** Closes the log and keeps it as an artefact. */
  void close(StageContext ctx) {
    ctx.log().close();
    try {
      if (Files.exists(ctx.log().file())) {
        ctx.publish("runs/" + ctx.run().id() + "/logs/" + stage.stepName() + ".log", ctx.log().file(), "log");
      }
    } catch (Exception e) {
      LOG.warn("run {}: could not store the log of stage {}: {}", ctx.run().id(), stage.stepName(), e.toString());
    }
  }

  /**
   * Reuse or produce: links an earlier run's sealed outputs for the same input hash, waits while
   * another live run produces them, or claims the production for this run.
   *
   * @return the reuse outcome, or null when this run must produce under {@link StageContext#ownPrefix()}
   *     (or its own earlier claim's prefix)
   */
  Decision decide(StageContext ctx, String hash) throws Exception {
    StageReuse reuse = services.reuse();
    services.runs().stageStarted(ctx.run().id(), stage, hash);
    while (true) {
      StageReuse.Decision d = reuse.acquire(stage.stepName(), hash, ctx.run().id(), ctx.ownPrefix(),
          services.props().reuseWait());
      if (d instanceof StageReuse.Reuse r) {
        if (ctx.sealed(r.prefix())) {
          ctx.log().line("inputs %s… identical to run %d's: linking %s", hash.substring(0, 12), r.runId(), r.prefix());
          return new Decision(StageOutcome.reused(r.runId(), r.prefix()), null);
        }
        ctx.log().line("run %d's outputs under %s are incomplete or gone: computing them again", r.runId(), r.prefix());
        reuse.invalidate(stage.stepName(), hash);
        continue;
      }
      return new Decision(null, ((StageReuse.Produce) d).prefix());
    }
  }

  /** Seals produced outputs and opens them to reuse by later runs. */
  StageOutcome produced(StageContext ctx, String hash, String prefix, List<StoredArtifact> outputs) throws Exception {
    ctx.seal(prefix, outputs);
    services.reuse().completed(stage.stepName(), hash, ctx.run().id());
    return StageOutcome.completed(prefix, null);
  }

  /** Production failed: later runs may claim it (an interruption keeps the claim for this run's resume). */
  void productionFailed(StageContext ctx, String hash, Throwable e) {
    if (!(e instanceof RunControl.RunInterruptedException)) {
      services.reuse().failed(stage.stepName(), hash, ctx.run().id());
    }
  }

  /** Either a reuse outcome or the prefix to produce under. */
  record Decision(StageOutcome reused, String producePrefix) {}
}
