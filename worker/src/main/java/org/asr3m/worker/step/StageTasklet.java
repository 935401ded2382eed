package org.asr3m.worker.step;

import java.util.List;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.run.Stage;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * A stage that is one tasklet step: the {@link StageFrame} around the stage's own work in
 * {@link #run}, a thin adapter over model-core.
 */
public abstract class StageTasklet implements Tasklet {
  protected final StageServices services;
  private final StageFrame frame;

  protected StageTasklet(StageServices services, Stage stage) {
    this.services = services;
    this.frame = new StageFrame(services, stage);
  }

  /** The stage's work: outputs written through {@code ctx}. */
  protected abstract StageOutcome run(StageContext ctx) throws Exception;

  @Override
  public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
    long runId = contribution.getStepExecution().getJobExecution().getJobParameters().getLong("runId");
    StageContext ctx = frame.open(runId);
    ctx.log().line("stage %s of run %d (%s) on worker %s", ctx.stage().stepName(), runId, ctx.run().name(),
        services.props().id());
    try {
      services.control().check(runId);
      frame.finished(ctx, run(ctx));
      return RepeatStatus.FINISHED;
    } catch (Throwable e) {
      throw frame.failed(ctx, e);
    } finally {
      frame.close(ctx);
    }
  }

  /**
   * Runs {@code producer} once per input hash across all runs: links an earlier run's sealed outputs
   * when there are some, waits while another run produces them, otherwise produces and seals them.
   */
  protected StageOutcome produceOnce(StageContext ctx, String hash, Producer producer) throws Exception {
    StageFrame.Decision d = frame.decide(ctx, hash);
    if (d.reused() != null) {
      return d.reused();
    }
    try {
      return frame.produced(ctx, hash, d.producePrefix(), producer.produce(ctx, d.producePrefix()));
    } catch (Throwable e) {
      frame.productionFailed(ctx, hash, e);
      throw e;
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
