package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.moe.ExpertStats;
import org.asr3m.pipeline.TrainingRun;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.DataSummary;
import org.asr3m.train.TrainListener;
import org.asr3m.train.TrainingStoppedException;
import org.asr3m.worker.artifact.StoreShardSource;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.progress.MetricsSink;
import org.asr3m.worker.progress.StageProgress;

/**
 * The adapter shared by the three training stages (embeddingPretrain, baseTrain, train) over
 * model-core's {@link TrainingRun}. Crash safety lives here: every checkpoint the trainer writes
 * is uploaded to the artefact store before training goes on (trainer.json last, so a checkpoint
 * in the store is complete exactly when its trainer.json is there), and a stage that starts again
 * — on this worker or another — downloads the newest complete checkpoint and resumes from it
 * (model, optimiser, schedule, data position and RNG are all in the checkpoint, so the result is the
 * one an uninterrupted run gives). Older step checkpoints are deleted once a newer one is stored.
 */
final class TrainingStage {
  private static final String STATE = "trainer.json";

  /**
   * What to train.
   *
   * @param trainDir featurePrep's shard list (streamed from the store) or a Kaldi data directory
   * @param devDir the dev set's data directory
   */
  record Spec(Path recipe, Path trainDir, Path devDir, Path units, Path cmvn, Path initFrom, Path initEmbedding,
      int maxEpochs, long maxSteps) {}

  private TrainingStage() {}

  /**
   * Trains (or resumes) into {@code prefix} and returns the stored final model's objects.
   */
  static List<StoredArtifact> train(StageServices services, StageContext ctx, String prefix, Spec spec)
      throws Exception {
    Path exp = ctx.localDir().resolve("exp");
    deleteTree(exp); // the store is the source of truth; local leftovers of a crash may be partial
    Files.createDirectories(exp);
    Map<String, Long> stored = checkpointsInStore(ctx, prefix);
    if (stored.containsKey("final")) {
      ctx.log().line("final model already stored under %s/final: nothing left to train", prefix);
      return ctx.store().list(prefix + "/final/");
    }
    Path resume = null;
    String newest = stored.entrySet().stream().filter(e -> !e.getKey().equals("init"))
        .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    if (newest != null) {
      // the checkpoint to resume from in full, and every epoch's model for the final averaging
      ctx.fetch(prefix + "/" + newest, exp.resolve(newest));
      for (String name : stored.keySet()) {
        if (name.startsWith("epoch_") && !name.equals(newest)) {
          for (String f : List.of("model.npz", STATE, "recipe.yaml", "units.txt")) {
            ctx.store().get(prefix + "/" + name + "/" + f, exp.resolve(name).resolve(f));
          }
        }
      }
      resume = exp.resolve(newest);
      ctx.log().line("resuming from %s/%s (step %d)", prefix, newest, stored.get(newest));
    }
    String recipeYaml = Files.readString(spec.recipe());
    Recipe recipe = Recipe.read(spec.recipe());
    int epochs = spec.maxEpochs() > 0 ? spec.maxEpochs() : recipe.train().maxEpoch();
    Listener listener = new Listener(services, ctx, prefix, exp, epochs, estimatedBatches(spec, recipe));
    String device = services.control().device(ctx.run().id());
    Path fin;
    try (listener.sink) {
      // one replica reading every shard; shards named store://<key> are streamed from the artefact store
      fin = TrainingRun.train(new TrainingRun.Spec(recipeYaml, spec.trainDir(), spec.devDir(), spec.units(), spec.cmvn(),
          exp, resume, spec.initFrom(), spec.initEmbedding(), spec.maxEpochs(), spec.maxSteps(),
          device.isBlank() ? null : device, 0, 1, new StoreShardSource(ctx.store())),
          spec.recipe(), listener, ctx.log().writer(), ctx.log().writer());
    } catch (TrainingStoppedException stopped) {
      // the worker is shutting down: the checkpoint of the stop is stored (onCheckpoint); hand the run on
      ctx.log().line("stopped after step %d for the worker's shutdown; checkpoint %s stored", stopped.step(),
          stopped.checkpoint().getFileName());
      services.control().check(ctx.run().id());
      throw stopped;
    }
    if (fin == null) {
      throw new IllegalStateException("training stopped before the first epoch ended (max_steps reached):"
          + " there is no final model to evaluate");
    }
    Path stats = exp.resolve("expert_stats");
    if (Files.isDirectory(stats)) {
      ctx.publishDir(prefix + "/expert_stats", stats, "expert_stats", null);
    }
    return ctx.publishDir(prefix + "/final", fin, "checkpoint", STATE);
  }

  /**
   * Batches of a streamed epoch before its first end is seen: the training set's frames (counted by
   * featurePrep's CMVN) over the padded frames a batch may hold, at least one; 0 (unknown) when the
   * statistics cannot be read. Length sorting keeps padding small, so batches come out close to full.
   */
  static int estimatedBatches(Spec spec, Recipe recipe) {
    try {
      long frames = GlobalCmvn.read(spec.cmvn()).frameCount();
      return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (frames + recipe.data().maxFramesInBatch() - 1)
          / recipe.data().maxFramesInBatch()));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Complete checkpoints under {@code prefix}: directory name → step recorded in its trainer.json. */
  private static Map<String, Long> checkpointsInStore(StageContext ctx, String prefix) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    Path tmp = ctx.localDir().resolve("state-probe");
    for (StoredArtifact a : ctx.store().list(prefix + "/")) {
      String rel = a.key().substring(prefix.length() + 1);
      if (!rel.endsWith("/" + STATE) || rel.indexOf('/') != rel.lastIndexOf('/')) {
        continue;
      }
      String name = rel.substring(0, rel.indexOf('/'));
      Path f = tmp.resolve(name).resolve(STATE);
      ctx.store().get(a.key(), f);
      out.put(name, name.equals("final") ? Long.MAX_VALUE : Checkpoint.readState(f.getParent()).step());
    }
    deleteTree(tmp);
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Metrics, progress and checkpoint uploads from the training loop. */
  private static final class Listener implements TrainListener {
    private final StageServices services;
    private final StageContext ctx;
    private final String prefix;
    private final Path exp;
    private final MetricsSink sink;
    private final StageProgress progress;
    private final NonFiniteGuard nonFinite;
    private long lastStep;

    Listener(StageServices services, StageContext ctx, String prefix, Path exp, int epochs, int estimatedBatches) {
      this.services = services;
      this.ctx = ctx;
      this.prefix = prefix;
      this.exp = exp;
      this.sink = new MetricsSink(services.jdbcTemplate(), ctx.run().id(), ctx.stage().stepName(),
          services.props().metricsInterval());
      this.progress = new StageProgress(services.runs(), ctx.run().id(), ctx.stage(), epochs, estimatedBatches);
      this.nonFinite = new NonFiniteGuard(services.props().maxNonFiniteSteps());
    }

    @Override
    public void onBatch(int epoch, int batch, int batches) {
      services.control().checkUrgent(ctx.run().id());
      progress.batch(epoch, batch, batches);
    }

    @Override
    public boolean stopRequested() {
      return services.control().checkpointAndStop(ctx.run().id());
    }

    @Override
    public void onStep(int epoch, long step, double lr, Map<String, Double> losses, double gradNorm, double fps) {
      lastStep = step;
      nonFinite.step(epoch, step, losses.getOrDefault("loss", 0.0));
      Map<String, Double> m = new LinkedHashMap<>(losses);
      m.put("lr", lr);
      m.put("grad_norm", gradNorm);
      m.put("frames_per_second", fps);
      Double eta = progress.etaSeconds();
      if (eta != null) {
        m.put("eta_seconds", eta);
      }
      sink.step(step, epoch, m, false);
      ctx.log().line("epoch %d step %d lr %.3e %s grad_norm %.3f frames/s %.0f", epoch, step, lr, losses, gradNorm, fps);
    }

    @Override
    public void onSkippedStep(int epoch, long step, double gradNorm) {
      ctx.log().line("epoch %d step %d: gradient norm %s is not finite; update skipped", epoch, step, gradNorm);
      nonFinite.skipped(epoch, step);
    }

    @Override
    public void onEpoch(int epoch, Checkpoint.DevResult dev, Path checkpoint) {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("dev_loss", dev.loss());
      m.put("dev_ctc", dev.ctc());
      m.put("dev_att", dev.att());
      lastStep = Math.max(lastStep, stepOf(checkpoint));
      sink.always(lastStep, epoch, m);
      ctx.log().line("epoch %d done: dev loss %.4f ctc %.4f att %.4f", epoch, dev.loss(), dev.ctc(), dev.att());
    }

    @Override
    public void onFinal(Path dir, org.asr3m.train.FinalSelection selection) {
      ctx.log().line("%s", selection.describe());
    }

    @Override
    public void onEpochData(int epoch, DataSummary data) {
      progress.epochEnded(epoch);
      ctx.log().line("epoch %d data: %s", epoch, data.line());
      data.problems().forEach(p -> ctx.log().writer().println("warning: " + p));
      if (data.problemCount() > data.problems().size()) {
        ctx.log().writer().println("warning: … and " + (data.problemCount() - data.problems().size()) + " more");
      }
      ctx.log().writer().flush();
    }

    @Override
    public void onExpertStats(int epoch, ExpertStats train, ExpertStats dev) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (ExpertStats.Layer l : dev.layers()) {
        m.put("router_entropy/" + l.layer(), l.entropy());
        for (int e = 0; e < l.share().size(); e++) {
          m.put("expert_share/" + l.layer() + "/" + e, l.share().get(e));
        }
      }
      sink.always(lastStep, epoch, m);
      dev.summary().forEach(line -> ctx.log().line("  %s", line));
    }

    @Override
    public void onCheckpoint(Path dir) {
      String name = dir.getFileName().toString();
      try {
        if (name.equals("init")) {
          return; // the untrained model is not a resume point
        }
        ctx.publishDir(prefix + "/" + name, dir, "checkpoint", STATE);
        ctx.log().line("checkpoint %s stored under %s/%s", name, prefix, name);
        if (name.startsWith("step_")) {
          pruneStepCheckpoints(name);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot store checkpoint " + dir + ": " + e.getMessage(), e);
      }
    }

    /** Keeps only the newest step checkpoint, in the store and on local disk. */
    private void pruneStepCheckpoints(String keep) throws IOException {
      List<String> old = new ArrayList<>();
      for (StoredArtifact a : ctx.store().list(prefix + "/step_")) {
        String dirName = a.key().substring(prefix.length() + 1).split("/")[0];
        if (!dirName.equals(keep)) {
          old.add(a.key());
        }
      }
      // the state file first, so a crash half-way leaves an incomplete (ignored) checkpoint, never a wrong one
      old.sort(Comparator.comparing((String k) -> !k.endsWith("/" + STATE)));
      for (String k : old) {
        ctx.unpublish(k);
      }
      try (var s = Files.list(exp)) {
        for (Path p : s.filter(p -> p.getFileName().toString().startsWith("step_")
            && !p.getFileName().toString().equals(keep)).toList()) {
          deleteTree(p);
        }
      }
    }

    private static long stepOf(Path checkpoint) {
      try {
        return Checkpoint.readState(checkpoint).step();
      } catch (RuntimeException e) {
        return -1;
      }
    }
  }
}
