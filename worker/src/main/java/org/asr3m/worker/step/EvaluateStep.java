package org.asr3m.worker.step;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asr3m.decode.Recognizer;
import org.asr3m.pipeline.Evaluation;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;
import org.springframework.stereotype.Component;

/**
 * evaluate: every test set × every decoding mode the recipe lists (pipeline_conf.decode_modes):
 * hypotheses, CER with N/C/S/D/I and expert statistics into the store, one results row each.
 */
@Component
public class EvaluateStep extends StageTasklet {

  public EvaluateStep(StageServices services) {
    super(services, Stage.EVALUATE);
  }

  @Override
  protected StageOutcome run(StageContext ctx) throws Exception {
    if (ctx.run().testData().isEmpty()) {
      return StageOutcome.skipped("the run names no test sets");
    }
    RunInputs in = new RunInputs(services, ctx);
    RunRepository runs = services.runs();
    long runId = ctx.run().id();
    Path model = ctx.localDir().resolve("model");
    TrainingStage.deleteTree(model);
    ctx.fetch(runs.outputPrefix(runId, Stage.TRAIN) + "/final", model);
    List<Recognizer.Options> modes = new ArrayList<>();
    var pipeline = in.recipe().pipeline();
    for (String m : pipeline.decodeModes()) {
      modes.add(new Recognizer.Options(Recognizer.Mode.parse(m), pipeline.beam(), 0.5,
          in.recipe().model().reverseWeight(), 0, -1));
    }
    String prefix = ctx.ownPrefix();
    List<StoredArtifact> outputs = new ArrayList<>();
    int done = 0;
    for (Map.Entry<String, String> set : ctx.run().testData().entrySet()) {
      services.control().check(runId);
      Path data = ctx.dataDir(set.getValue());
      Path out = ctx.localDir().resolve("decode").resolve(set.getKey());
      String device = services.control().device(runId).isBlank() ? null : services.control().device(runId);
      Map<String, Evaluation.Result> results = Evaluation.decode(model, data, modes, out, device, ctx.log().writer());
      for (Evaluation.Result r : results.values()) {
        for (var p : r.problems()) {
          ctx.log().line("warning: %s: %s", set.getKey(), p.getMessage());
        }
        String key = prefix + "/" + set.getKey() + "/" + r.mode();
        outputs.add(ctx.publish(key + "/text", r.text(), "hypotheses"));
        outputs.add(ctx.publish(key + "/cer.json", r.cerJson(), "cer"));
        if (r.expertStats() != null && Files.exists(r.expertStats())) {
          outputs.add(ctx.publish(key + "/expert_stats.json", r.expertStats(), "expert_stats"));
        }
        runs.saveResult(runId, new RunRepository.Result(set.getKey(), r.mode(), r.cer(), r.refChars(), r.correct(),
            r.substitutions(), r.deletions(), r.insertions(), r.utterances(), r.rtf()));
        ctx.log().line("%s %s: CER %.2f %% (N=%d C=%d S=%d D=%d I=%d, %d utterances, RTF %.4f)", set.getKey(), r.mode(),
            r.cer(), r.refChars(), r.correct(), r.substitutions(), r.deletions(), r.insertions(), r.utterances(), r.rtf());
      }
      done++;
      runs.stageProgress(runId, Stage.EVALUATE, done / (double) ctx.run().testData().size(), null);
    }
    runs.fingerprints(runId, in.fingerprintsJson(true));
    ctx.seal(prefix, outputs);
    return StageOutcome.completed(prefix, null);
  }
}
