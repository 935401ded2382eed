package org.asr3m.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asr3m.io.Npy;
import org.asr3m.io.Npz;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.TrainListener;
import org.asr3m.train.TrainingStoppedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training stage on 12 tiny-cmn utterances with a shortened recipe: the 3m-asr chain (dense base
 * and embedding network derived from an MoE recipe, then the MoE model initialised from both), a
 * run cancelled by its listener and resumed from {@link TrainingRun#latestCheckpoint} ending bit for
 * bit where an uninterrupted run ends.
 */
class TrainingRunTest {
  private static final String MOE = """
      model: conformer_moe
      encoder_conf: {output_size: 64, attention_heads: 4, linear_units: 128, num_blocks: 2, cnn_module_kernel: 7}
      decoder_conf: {attention_heads: 4, linear_units: 128, num_blocks: 1}
      moe_conf: {num_experts: 2}
      embedding_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 1}
      dataset_conf:
        filter_conf: {min_length: 10}
        speed_perturb: false
        batch_conf: {max_frames_in_batch: 2000}
      optim_conf: {lr: 0.002}
      scheduler_conf: {warmup_steps: 5}
      accum_grad: 1
      log_interval: 1
      checkpoint_every_steps: 1
      max_epoch: 2
      seed: 3
      average_num: 2
      pipeline_conf: {base_epochs: 2, embedding_epochs: 1}
      """;

  @TempDir
  static Path tmp;

  private static Path train;
  private static Path dev;
  private static String base;
  /** Losses of the uninterrupted base run, by step. */
  private static final Map<Long, Map<String, Double>> STRAIGHT = new LinkedHashMap<>();

  @BeforeAll
  static void uninterruptedBaseRun() throws Exception {
    train = TinyCorpus.subset("train", 12, 37, tmp.resolve("train"));
    dev = TinyCorpus.subset("dev", 2, 24, tmp.resolve("dev"));
    base = StageRecipes.baseRecipe(MOE).orElseThrow();
    Path fin = TrainingRun.train(spec(base, tmp.resolve("a"), null, null, null, 0), recorder(STRAIGHT));
    assertThat(fin).isEqualTo(tmp.resolve("a/final"));
  }

  private static TrainingRun.Spec spec(String recipe, Path out, Path resume, Path init, Path emb, long maxSteps) {
    return new TrainingRun.Spec(recipe, train, dev, null, null, out, resume, init, emb, 0, maxSteps, "cpu");
  }

  private static TrainListener recorder(Map<Long, Map<String, Double>> losses) {
    return new TrainListener() {
      @Override
      public void onStep(int epoch, long step, double lr, Map<String, Double> l, double gradNorm, double fps) {
        losses.put(step, l);
      }
    };
  }

  private static int arraysInAllManagers() {
    try (NDManager probe = NDManager.newBaseManager()) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }

  @Test
  void stopRequestWritesACheckpointAtTheNextStepAndResumesToTheSameLosses() throws Exception {
    // no scheduled step checkpoints: the one the stop request writes is the only resume point in epoch 1
    String recipe = base.replace("checkpoint_every_steps: 1", "checkpoint_every_steps: 0");
    assertThat(recipe).isNotEqualTo(base);
    Path out = tmp.resolve("stopped");
    long epoch0Steps = Checkpoint.readState(tmp.resolve("a/epoch_0")).step();
    long stopAt = epoch0Steps + 1;
    long[] last = {0};
    TrainListener stopper = new TrainListener() {
      @Override
      public void onStep(int epoch, long step, double lr, Map<String, Double> l, double gradNorm, double fps) {
        last[0] = step;
      }

      @Override
      public boolean stopRequested() {
        return last[0] == stopAt;
      }
    };
    assertThatThrownBy(() -> TrainingRun.train(spec(recipe, out, null, null, null, 0), stopper))
        .isInstanceOfSatisfying(TrainingStoppedException.class, e -> {
          assertThat(e.step()).isEqualTo(stopAt);
          assertThat(e.checkpoint()).isEqualTo(out.resolve("step_" + stopAt));
        });
    assertThat(TrainingRun.latestCheckpoint(out)).contains(out.resolve("step_" + stopAt));
    assertThat(Checkpoint.readState(out.resolve("step_" + stopAt)).step()).isEqualTo(stopAt);

    Map<Long, Map<String, Double>> resumed = new LinkedHashMap<>();
    TrainingRun.train(spec(recipe, out, out.resolve("step_" + stopAt), null, null, 0), recorder(resumed));
    assertThat(resumed.keySet()).first().isEqualTo(stopAt + 1);
    resumed.forEach((step, losses) -> assertThat(losses).as("step " + step).isEqualTo(STRAIGHT.get(step)));
  }

  @Test
  void cancelledRunResumesFromTheLatestCheckpointToTheSameWeights() throws Exception {
    Path out = tmp.resolve("b");
    int before = arraysInAllManagers();
    int[] during = {0};
    RuntimeException cancel = new IllegalStateException("cancelled by the worker");
    // cancel inside the second epoch, after a batch's backward pass, before its update
    TrainListener canceller = new TrainListener() {
      @Override
      public void onBatch(int epoch, int batch, int batches) {
        during[0] = Math.max(during[0], arraysInAllManagers());
        if (epoch == 1 && batch == batches) {
          throw cancel;
        }
      }
    };
    assertThatThrownBy(() -> TrainingRun.train(spec(base, out, null, null, null, 0), canceller)).isSameAs(cancel);
    // the run's arrays (model, optimiser, gradients, the open batch) were all freed
    assertThat(during[0]).isGreaterThan(before);
    assertThat(arraysInAllManagers()).isEqualTo(before);
    assertThat(out.resolve("final")).doesNotExist();

    Path latest = TrainingRun.latestCheckpoint(out).orElseThrow();
    Checkpoint.State state = Checkpoint.readState(latest);
    assertThat(latest.getFileName().toString()).isEqualTo("step_" + state.step());
    assertThat(state.epoch()).isEqualTo(1);
    assertThat(state.batchInEpoch()).isPositive();
    long epoch0Steps = Checkpoint.readState(out.resolve("epoch_0")).step();
    assertThat(state.step()).isGreaterThan(epoch0Steps);
    // a checkpoint directory that a crash left without its state is passed over
    Path broken = Files.createDirectories(out.resolve("step_999"));
    Files.copy(latest.resolve("model.npz"), broken.resolve("model.npz"));
    assertThat(TrainingRun.latestCheckpoint(out)).contains(latest);

    Map<Long, Map<String, Double>> resumed = new LinkedHashMap<>();
    Path fin = TrainingRun.train(spec(base, out, latest, null, null, 0), recorder(resumed));
    assertThat(fin).isEqualTo(out.resolve("final"));
    assertThat(resumed).isNotEmpty();
    resumed.forEach((step, losses) -> assertThat(losses).as("step " + step).isEqualTo(STRAIGHT.get(step)));
    for (String dir : new String[] {"epoch_1", "final"}) {
      Map<String, Npy.Array> a = Npz.read(tmp.resolve("a").resolve(dir).resolve("model.npz"));
      Map<String, Npy.Array> b = Npz.read(out.resolve(dir).resolve("model.npz"));
      assertThat(b.keySet()).isEqualTo(a.keySet());
      for (String k : a.keySet()) {
        assertThat(b.get(k).data()).as(dir + " " + k).containsExactly(a.get(k).data());
      }
    }
    assertThat(out.resolve("train.log")).content().contains("model: ").contains("12 train / 2 dev utterances");
    // the run built its own units and CMVN, the same as the uninterrupted run's
    assertThat(Files.readAllBytes(out.resolve("global_cmvn")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("a/global_cmvn")));
  }

  @Test
  void moeModelStartsFromTheDenseBaseAndThePretrainedEmbeddingNetwork() throws Exception {
    String embRecipe = StageRecipes.embeddingRecipe(MOE).orElseThrow();
    Path emb = tmp.resolve("emb");
    // one update is enough to have a checkpoint of the right shape
    assertThat(TrainingRun.train(spec(embRecipe, emb, null, null, null, 1), new TrainListener() {})).isNull();
    StringWriter log = new StringWriter();
    Path moe = tmp.resolve("moe");
    Path result = TrainingRun.train(spec(MOE, moe, null, tmp.resolve("a/final"), emb.resolve("step_1"), 1),
        new TrainListener() {}, new PrintWriter(log));
    assertThat(result).isNull();
    Matcher m = Pattern.compile("(\\d+) tensors copied, (\\d+) expert tensors from the base FFNs, (\\d+)"
        + " embedding-network tensors").matcher(log.toString());
    assertThat(m.find()).as(log.toString()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isPositive();
    // 2 blocks × 2 experts × (w_1, w_2) × (weight, bias)
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(16);
    assertThat(Integer.parseInt(m.group(3))).isPositive();
    assertThat(TrainingRun.latestCheckpoint(moe)).contains(moe.resolve("step_1"));
    assertThat(TrainingRun.latestCheckpoint(tmp.resolve("nothing-here"))).isEmpty();
  }

  @Test
  void anEmbeddingForAModelWithoutOneIsRejected() {
    assertThatThrownBy(() -> TrainingRun.train(spec(base, tmp.resolve("x"), null, null, tmp.resolve("emb/step_1"), 1),
        new TrainListener() {})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model: conformer has none");
  }
}
