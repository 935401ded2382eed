package org.asr3m.worker.step;

import java.util.Optional;
import org.asr3m.worker.run.Stage;
import org.springframework.stereotype.Component;

/** baseTrain: the dense Conformer whose FFNs initialise the experts (3m-asr's init from a dense model). */
@Component
public class BaseTrainStep extends StageTasklet {

  public BaseTrainStep(StageServices services) {
    super(services, Stage.BASE_TRAIN);
  }

  @Override
  protected StageOutcome run(StageContext ctx) throws Exception {
    RunInputs in = new RunInputs(services, ctx);
    Optional<String> recipe = in.baseRecipe();
    if (recipe.isEmpty()) {
      return StageOutcome.skipped("model '" + in.recipe().modelType() + "' is trained from scratch (no dense base)");
    }
    return produceOnce(ctx, in.trainingHash(Stage.BASE_TRAIN, recipe.get()), (c, prefix) -> {
      FeatureInputs f = FeatureInputs.fetch(services.runs(), c);
      return TrainingStage.train(services, c, prefix, new TrainingStage.Spec(in.writeRecipe("base.yaml", recipe.get()),
          f.shards(), in.devDir(), f.units(), f.cmvn(), null, null, 0, 0));
    });
  }
}
