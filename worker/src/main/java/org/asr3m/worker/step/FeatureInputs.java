package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.file.Path;
import org.asr3m.worker.artifact.ArtifactNotFoundException;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;

/**
 * The featurePrep outputs of a run (units.txt, global_cmvn and the shard list), downloaded from
 * wherever featurePrep left them. Only the list is fetched: its shards stay in the store and are
 * streamed by the training stage.
 */
record FeatureInputs(Path units, Path cmvn, Path shards) {

  static FeatureInputs fetch(RunRepository runs, StageContext ctx) throws IOException {
    String prefix = runs.outputPrefix(ctx.run().id(), Stage.FEATURE_PREP);
    Path dir = ctx.localDir().resolve("features");
    Path units = dir.resolve("units.txt");
    Path cmvn = dir.resolve("global_cmvn");
    Path shards = dir.resolve(ShardOutputs.LIST);
    ctx.store().get(prefix + "/units.txt", units);
    ctx.store().get(prefix + "/global_cmvn", cmvn);
    try {
      ctx.store().get(prefix + "/" + ShardOutputs.LIST, shards);
    } catch (ArtifactNotFoundException e) {
      throw new IllegalStateException("featurePrep's outputs under " + prefix + " have no " + ShardOutputs.LIST
          + " (prepared by a worker that did not write shards): run the experiment again so featurePrep writes them", e);
    }
    return new FeatureInputs(units, cmvn, shards);
  }
}
