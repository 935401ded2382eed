package org.asr3m.worker.step;

import java.util.Optional;
import org.asr3m.worker.run.Stage;
import org.springframework.stereotype.Component;

/** embeddingPretrain: CTC pretraining of the shared embedding network (3M / Conformer-MoE routers read it). */
@Component
public class EmbeddingPretrainStep extends StageTasklet {

  public EmbeddingPretrainStep(StageServices services) {
    super(services, Stage.EMBEDDING_PRETRAIN);
  }

  @Override
  protected StageOutcome run(StageContext ctx) throws Exception {
    RunInputs in = new RunInputs(services, ctx);
    Optional<String> recipe = in.embeddingRecipe();
    if (recipe.isEmpty()) {
      return StageOutcome.skipped("model '" + in.recipe().modelType() + "' has no embedding network");
    }
    return produceOnce(ctx, in.trainingHash(Stage.EMBEDDING_PRETRAIN, recipe.get()), (c, prefix) -> {
      FeatureInputs f = FeatureInputs.fetch(services.runs(), c);
      return TrainingStage.train(services, c, prefix, new TrainingStage.Spec(in.writeRecipe("embedding.yaml",
          recipe.get()), f.shards(), in.devDir(), f.units(), f.cmvn(), null, null, 0, 0));
    });
  }
}
