package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.file.Path;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;

/** The featurePrep outputs (units.txt, global_cmvn) of a run, downloaded from wherever featurePrep left them. */
record FeatureInputs(Path units, Path cmvn) {

  static FeatureInputs fetch(RunRepository runs, StageContext ctx) throws IOException {
    String prefix = runs.outputPrefix(ctx.run().id(), Stage.FEATURE_PREP);
    Path dir = ctx.localDir().resolve("features");
    Path units = dir.resolve("units.txt");
    Path cmvn = dir.resolve("global_cmvn");
    ctx.store().get(prefix + "/units.txt", units);
    ctx.store().get(prefix + "/global_cmvn", cmvn);
    return new FeatureInputs(units, cmvn);
  }
}
