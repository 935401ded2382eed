package org.asr3m.worker.step;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.pipeline.FeaturePrep;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.run.Stage;
import org.springframework.stereotype.Component;

/** featurePrep: units.txt and global CMVN from the training data (model-core's FeaturePrep). */
@Component
public class FeaturePrepStep extends StageTasklet {

  public FeaturePrepStep(StageServices services) {
    super(services, Stage.FEATURE_PREP);
  }

  @Override
  protected StageOutcome run(StageContext ctx) throws Exception {
    RunInputs in = new RunInputs(ctx);
    services.runs().fingerprints(ctx.run().id(), in.fingerprintsJson(false));
    return produceOnce(ctx, in.featurePrepHash(), (c, prefix) -> {
      Path out = c.localDir().resolve("out");
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
      FeaturePrep.Result r = FeaturePrep.prepare(in.trainDir(), in.recipe(), out, threads, c.log().writer());
      for (var p : r.problems()) {
        c.log().line("warning: %s", p.getMessage());
      }
      c.log().line("%d utterances, %d frames; units %s, CMVN %s", r.utterances(), r.frames(), r.units(), r.cmvn());
      List<StoredArtifact> outputs = new ArrayList<>();
      outputs.add(c.publish(prefix + "/units.txt", r.units(), "units"));
      outputs.add(c.publish(prefix + "/global_cmvn", r.cmvn(), "cmvn"));
      return outputs;
    });
  }
}
