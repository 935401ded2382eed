package org.asr3m.worker.step;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.progress.StageLog;
import org.asr3m.worker.reuse.StageReuse;
import org.asr3m.worker.run.RunRecord;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.run.StageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The frame around every stage: reads the run, keeps the stage row (RUNNING → COMPLETED / REUSED
 * / SKIPPED / FAILED with a readable reason), writes the stage log and keeps it as an artefact
 * ({@code runs/<id>/logs/<stage>.log}) whatever the outcome. The stage itself is a thin adapter
 * over model-core in {@link #run}.
 */
public abstract class StageTasklet implements Tasklet {
  private static final Logger LOG = LoggerFactory.getLogger(StageTasklet.class);
  protected final StageServices services;
  private final Stage stage;

  protected StageTasklet(StageServices services, Stage stage) {
    this.services = services;
    this.stage = stage;
  }

  /** The stage's work: outputs written through {@code ctx}. */
  protected abstract StageOutcome run(StageContext ctx) throws Exception;

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
    long runId = contribution.getStepExecution().getJobExecution().getJobParameters().getLong("runId");
    RunRecord run = services.runs().get(runId);
    var workDir = services.props().workDir();
    StageLog log = new StageLog(workDir.resolve("runs").resolve(Long.toString(runId)).resolve("logs")
        .resolve(stage.stepName() + ".log"));
    StageContext ctx = new StageContext(run, stage, workDir, services.store(), services.jdbc(), log);
    services.runs().stageStarted(runId, stage, null);
    log.line("stage %s of run %d (%s) on worker %s", stage.stepName(), runId, run.name(), services.props().id());
    try {
      services.control().check();
      StageOutcome o = run(ctx);
      log.line("%s: %s%s", o.status(), o.outputPrefix() == null ? "" : o.outputPrefix(),
          o.message() == null ? "" : " (" + o.message() + ")");
      services.runs().stageFinished(runId, stage, o.status(), o.outputPrefix(), o.reusedFromRun(), o.message());
      LOG.info("run {} stage {}: {}", runId, stage.stepName(), o.status());
      return RepeatStatus.FINISHED;
    } catch (Throwable e) {
      String reason = FailureReason.of(e);
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      log.line("FAILED: %s%n%s", reason, trace);
      boolean interrupted = e instanceof org.asr3m.worker.run.RunControl.RunInterruptedException;
      // an interrupted stage (cancel, lost lease, shutdown) is not the stage's fault: it resumes later
      services.runs().stageFinished(runId, stage, interrupted ? StageStatus.PENDING : StageStatus.FAILED, null, null,
          reason);
      LOG.warn("run {} stage {} failed: {}", runId, stage.stepName(), reason);
      throw new StageFailedException(stage, reason, e);
    } finally {
      log.close();
      try {
        if (Files.exists(log.file())) {
          ctx.publish("runs/" + runId + "/logs/" + stage.stepName() + ".log", log.file(), "log");
        }
      } catch (Exception e) {
        LOG.warn("run {}: could not store the log of stage {}: {}", runId, stage.stepName(), e.toString());
      }
    }
  }

  /**
   * Runs {@code producer} once per input hash across all runs: links an earlier run's sealed outputs
   * when there are some, waits while another run produces them, otherwise produces and seals them.
   */
  protected StageOutcome produceOnce(StageContext ctx, String hash, Producer producer) throws Exception {
    StageReuse reuse = services.reuse();
    services.runs().stageStarted(ctx.run().id(), stage, hash);
    while (true) {
      StageReuse.Decision d = reuse.acquire(stage.stepName(), hash, ctx.run().id(), ctx.ownPrefix(),
          services.props().reuseWait());
      if (d instanceof StageReuse.Reuse r) {
        if (ctx.sealed(r.prefix())) {
          ctx.log().line("inputs %s… identical to run %d's: linking %s", hash.substring(0, 12), r.runId(), r.prefix());
          return StageOutcome.reused(r.runId(), r.prefix());
        }
        ctx.log().line("run %d's outputs under %s are incomplete or gone: computing them again", r.runId(), r.prefix());
        reuse.invalidate(stage.stepName(), hash);
        continue;
      }
      String prefix = ((StageReuse.Produce) d).prefix();
      try {
        List<StoredArtifact> outputs = producer.produce(ctx, prefix);
        ctx.seal(prefix, outputs);
        reuse.completed(stage.stepName(), hash, ctx.run().id());
        return StageOutcome.completed(prefix, null);
      } catch (Throwable e) {
        if (!(e instanceof org.asr3m.worker.run.RunControl.RunInterruptedException)) {
          reuse.failed(stage.stepName(), hash, ctx.run().id());
        }
        throw e;
      }
    }
  }

  /** Computes a stage's outputs under {@code prefix} and returns them (the manifest lists them). */
  @FunctionalInterface
  protected interface Producer {
    List<StoredArtifact> produce(StageContext ctx, String prefix) throws Exception;
  }

  /** A stage failed; the message is the reason stored on the stage and run. */
  public static final class StageFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StageFailedException(Stage stage, String reason, Throwable cause) {
      super(stage.stepName() + ": " + reason, cause);
    }
  }
}
