package org.asr3m.worker.step;

import java.nio.file.Path;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.run.StageStatus;
import org.springframework.stereotype.Component;

/**
 * train: the recipe's own model, initialised from the dense base and the pretrained embedding
 * network where earlier stages produced them. Always this run's own work (never reused).
 */
@Component
public class TrainStep extends StageTasklet {

  public TrainStep(StageServices services) {
    super(services, Stage.TRAIN);
  }

  @Override
  protected StageOutcome run(StageContext ctx) throws Exception {
    RunInputs in = new RunInputs(services, ctx);
    RunRepository runs = services.runs();
    long runId = ctx.run().id();
    runs.stageStarted(runId, Stage.TRAIN, null);
    FeatureInputs f = FeatureInputs.fetch(runs, ctx);
    // parameters and FLOPs per second of audio, counted from the recipe without allocating weights
    var model = new org.asr3m.model.AsrModel(in.recipe().withVocab(org.asr3m.data.Units.read(f.units()).size()));
    long parameters = org.asr3m.model.ModelSize.parameters(model).get("total");
    runs.size(runId, parameters, org.asr3m.model.ModelSize.flopsPerSecond(model));
    // the kernel's OOM killer leaves no message: say beforehand when the model cannot fit
    org.asr3m.train.OutOfMemoryAdvice.trainingFootprint(parameters, org.asr3m.train.OutOfMemoryAdvice.availableMemoryBytes())
        .ifPresent(w -> ctx.log().line("warning: %s", w));
    Path base = upstream(ctx, Stage.BASE_TRAIN, "base");
    Path embedding = upstream(ctx, Stage.EMBEDDING_PRETRAIN, "embedding");
    String prefix = ctx.ownPrefix();
    var outputs = TrainingStage.train(services, ctx, prefix, new TrainingStage.Spec(in.writeRecipe("train.yaml",
        in.recipeYaml()), f.shards(), in.devDir(), f.units(), f.cmvn(), base, embedding, ctx.run().maxEpochs(),
        ctx.run().maxSteps()));
    ctx.seal(prefix, outputs);
    return StageOutcome.completed(prefix, base == null && embedding == null ? "trained from scratch"
        : "initialised from " + (base != null && embedding != null ? "the dense base and the pretrained embedding network"
            : base != null ? "the dense base" : "the pretrained embedding network"));
  }

  /** The final model of an earlier stage, downloaded; null when that stage was skipped. */
  private Path upstream(StageContext ctx, Stage stage, String name) throws java.io.IOException {
    var row = services.runs().stages(ctx.run().id()).get(stage);
    if (row == null || row.status() == StageStatus.SKIPPED || row.outputPrefix() == null) {
      return null;
    }
    Path dir = ctx.localDir().resolve(name);
    TrainingStage.deleteTree(dir);
    return ctx.fetch(row.outputPrefix() + "/final", dir);
  }
}
