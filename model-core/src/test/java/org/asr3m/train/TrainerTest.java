package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.Fixtures;
import org.asr3m.data.Units;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.asr3m.io.Npz;
import org.asr3m.model.AsrModel;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on three real utterances with a very small model. */
class TrainerTest {
  private static final String RECIPE = """
      encoder_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 1, cnn_module_kernel: 5}
      decoder_conf: {attention_heads: 4, linear_units: 64, num_blocks: 1}
      dataset_conf:
        filter_conf: {min_length: 10}
        batch_conf: {max_frames_in_batch: 300}
      optim_conf: {lr: 0.002}
      scheduler_conf: {warmup_steps: 5}
      accum_grad: 2
      log_interval: 1
      seed: 5
      average_num: 2
      """;

  @TempDir
  Path tmp;

  private Path dataDir() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    StringBuilder wav = new StringBuilder();
    String[] texts = {"今天天气很好", "我们去北京", "你好"};
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      wav.append("u").append(i).append(' ').append(Fixtures.path("audio/utt" + i + ".wav")).append('\n');
      text.append("u").append(i).append(' ').append(texts[i - 1]).append('\n');
    }
    Files.writeString(d.resolve("wav.scp"), wav);
    Files.writeString(d.resolve("text"), text);
    return d;
  }

  private int managedArrays;
  private int devSubsampledFrames;
  /** Forces updates to overlap the next step or not; null leaves the trainer's choice. */
  private Boolean overlap;
  private long overlappedUpdates;

  private Map<String, Npy.Array> run(Path exp, long maxSteps, int maxEpochs, Path resume) throws Exception {
    return run(RECIPE, exp, maxSteps, maxEpochs, resume);
  }

  /** Dev CTC loss of a checkpoint, scored as training scores its epochs. */
  private double devCtcOf(Path checkpoint) throws Exception {
    Units units = Units.build(List.of("今天天气很好", "我们去北京", "你好"));
    Recipe recipe = Recipe.read(tmp.resolve("recipe.yaml")).withVocab(units.size());
    ExperimentData dev = ExperimentData.load(dataDir(), units, recipe, false);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 11);
      Checkpoint.loadParameters(checkpoint.resolve("model.npz"), model);
      Trainer t = new Trainer(model, m, new TrainConfig(tmp.resolve("scoring"), RECIPE, tmp.resolve("units.txt"), 1, 0),
          new TrainListener() {});
      return t.validate(new ai.djl.training.ParameterStore(m, false), dev.data(), dev.plan(), 0,
          new org.asr3m.moe.ExpertStats()).ctc();
    }
  }

  /** Runs the loop; returns the parameters of the checkpoint it ends with. */
  private Map<String, Npy.Array> run(String recipeText, Path exp, long maxSteps, int maxEpochs, Path resume)
      throws Exception {
    Path recipeFile = tmp.resolve("recipe.yaml");
    Files.writeString(recipeFile, recipeText);
    Path data = dataDir();
    Path unitsFile = tmp.resolve("units.txt");
    Units units = Units.build(List.of("今天天气很好", "我们去北京", "你好"));
    units.write(unitsFile);
    Recipe recipe = Recipe.read(recipeFile).withVocab(units.size());
    ExperimentData train = ExperimentData.load(data, units, recipe, true);
    ExperimentData dev = ExperimentData.load(data, units, recipe, false);
    devSubsampledFrames = 0;
    for (int i = 0; i < dev.data().examples().size(); i++) {
      devSubsampledFrames += org.asr3m.nn.Conv2dSubsampling4.outputLength(dev.data().frames(i));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 11);
      List<Long> steps = new ArrayList<>();
      Trainer t = new Trainer(model, m, new TrainConfig(exp, recipeText, unitsFile, maxEpochs, maxSteps), new TrainListener() {
        @Override
        public void onStep(int epoch, long step, double lr, Map<String, Double> losses, double norm, double fps) {
          steps.add(step);
          assertThat(losses).containsKeys("loss", "ctc", "att", "acc");
        }
      });
      if (overlap != null) {
        t.overlapUpdates(overlap);
      }
      Path result = t.train(train.data(), train.plan(), dev.data(), dev.plan(), resume);
      overlappedUpdates = t.overlappedUpdates();
      managedArrays = m.getManagedArrays().size();
      Path dir = result != null ? exp.resolve("step_" + maxSteps) : null;
      if (maxSteps > 0 && Files.isDirectory(exp.resolve("step_" + maxSteps))) {
        dir = exp.resolve("step_" + maxSteps);
      } else {
        dir = result;
      }
      assertThat(steps).isNotEmpty();
      return Npz.read(dir.resolve("model.npz"));
    }
  }

  @Test
  void resumedRunEndsWithExactlyTheSameParameters() throws Exception {
    // 3 utterances of 108–258 frames, batches ≤ 300 padded frames, accum 2: a few updates per epoch
    Map<String, Npy.Array> straight = run(tmp.resolve("a"), 5, 10, null);
    run(tmp.resolve("b"), 2, 10, null);
    Path half = tmp.resolve("b/step_2");
    assertThat(Checkpoint.readState(half).step()).isEqualTo(2);
    Map<String, Npy.Array> resumed = run(tmp.resolve("b"), 5, 10, half);
    assertThat(resumed.keySet()).isEqualTo(straight.keySet());
    for (String k : straight.keySet()) {
      assertThat(resumed.get(k).data()).as(k).containsExactly(straight.get(k).data());
    }
  }

  /** The same for a shard stream: the resumed epoch replays the stream and skips the batches trained on. */
  @Test
  void resumedRunFromShardsEndsWithExactlyTheSameParameters() throws Exception {
    Path list = org.asr3m.shards.MakeShards.run(dataDir(), tmp.resolve("shards"), 1, 2).shards().get(0)
        .resolveSibling(org.asr3m.shards.MakeShards.LIST);
    Map<String, Npy.Array> straight = runShards(list, tmp.resolve("sa"), 5, null);
    runShards(list, tmp.resolve("sb"), 2, null);
    Path half = tmp.resolve("sb/step_2");
    assertThat(Checkpoint.readState(half).batchInEpoch()).isPositive();
    Map<String, Npy.Array> resumed = runShards(list, tmp.resolve("sb"), 5, half);
    assertThat(resumed.keySet()).isEqualTo(straight.keySet());
    for (String k : straight.keySet()) {
      assertThat(resumed.get(k).data()).as(k).containsExactly(straight.get(k).data());
    }
  }

  private Map<String, Npy.Array> runShards(Path list, Path exp, long maxSteps, Path resume) throws Exception {
    // shuffle and sort buffers smaller than the set, so the resumed epoch starts inside a buffer
    String recipeText = RECIPE.replace("  batch_conf: {max_frames_in_batch: 300}",
        "  batch_conf: {max_frames_in_batch: 300}\n  shuffle_conf: {shuffle_size: 2}\n  sort_conf: {sort_size: 2}\n"
            + "  num_workers: 2\n  prefetch: 1");
    Path unitsFile = tmp.resolve("units.txt");
    Units units = Units.build(List.of("今天天气很好", "我们去北京", "你好"));
    units.write(unitsFile);
    Recipe recipe = Recipe.fromYaml(tmp.resolve("recipe.yaml"), recipeText).withVocab(units.size());
    var train = org.asr3m.shards.ShardData.load(list, units, recipe, true, 0, 1, new org.asr3m.shards.UrlShardSource());
    ExperimentData dev = ExperimentData.load(dataDir(), units, recipe, false);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 11);
      Trainer t = new Trainer(model, m, new TrainConfig(exp, recipeText, unitsFile, 10, maxSteps), new TrainListener() {});
      t.train(train.stream(), dev.data().source(dev.plan(), 2, 2), resume);
      return Npz.read(exp.resolve("step_" + maxSteps).resolve("model.npz"));
    }
  }

  /**
   * Updates run beside the next step's forward pass write exactly what updates run before it do:
   * every forward pass, norm, checkpoint and validation sees the finished update (an MoE model, so
   * some parameters may go unread by a forward pass).
   */
  @Test
  void overlappedUpdatesTrainExactlyLikeUpdatesBeforeTheNextStep() throws Exception {
    String moe = RECIPE + "model: conformer_moe\nmoe_conf: {num_experts: 3, router_input: layer}\n";
    overlap = false;
    Map<String, Npy.Array> before = run(moe, tmp.resolve("before"), 6, 10, null);
    assertThat(overlappedUpdates).isZero();
    overlap = true;
    Map<String, Npy.Array> beside = run(moe, tmp.resolve("beside"), 6, 10, null);
    assertThat(overlappedUpdates).isEqualTo(6);
    assertThat(beside.keySet()).isEqualTo(before.keySet());
    for (String k : before.keySet()) {
      assertThat(beside.get(k).data()).as(k).containsExactly(before.get(k).data());
    }
    // the same moments, and the epochs' dev losses were computed from the same parameters
    Map<String, Npy.Array> momentsBefore = Npz.read(tmp.resolve("before/step_6/optimizer.npz"));
    Map<String, Npy.Array> momentsBeside = Npz.read(tmp.resolve("beside/step_6/optimizer.npz"));
    assertThat(momentsBeside.keySet()).isEqualTo(momentsBefore.keySet());
    for (String k : momentsBefore.keySet()) {
      assertThat(momentsBeside.get(k).data()).as(k).containsExactly(momentsBefore.get(k).data());
    }
    assertThat(Files.readString(tmp.resolve("beside/step_6/trainer.json")))
        .isEqualTo(Files.readString(tmp.resolve("before/step_6/trainer.json")));
  }

  /** Whatever the number of steps, the model's manager ends up owning the same arrays: nothing leaks per step. */
  @Test
  void nativeArraysDoNotAccumulateOverSteps() throws Exception {
    run(tmp.resolve("e"), 2, 10, null);
    int afterTwo = managedArrays;
    run(tmp.resolve("f"), 8, 10, null);
    assertThat(managedArrays).isEqualTo(afterTwo);
  }

  /** An MoE model writes its expert utilisation per epoch: every real dev frame routed once per layer. */
  @Test
  void moeTrainingWritesExpertStatisticsPerEpoch() throws Exception {
    String moe = RECIPE + "model: conformer_moe\nmoe_conf: {num_experts: 3, router_input: layer}\n";
    run(moe, tmp.resolve("moe"), 0, 2, null);
    for (int epoch = 0; epoch < 2; epoch++) {
      Path file = tmp.resolve("moe/expert_stats/epoch_" + epoch + ".json");
      assertThat(file).exists();
      var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(file.toFile());
      assertThat(json.get("epoch").asInt()).isEqualTo(epoch);
      for (String split : new String[] {"train", "dev"}) {
        var layers = json.get(split);
        assertThat(layers.size()).as(split).isEqualTo(1); // one block, its second FFN
        var layer = layers.get(0);
        assertThat(layer.get("frames").size()).isEqualTo(3);
        long sum = 0;
        for (var c : layer.get("frames")) {
          sum += c.asLong();
        }
        if (split.equals("dev")) {
          assertThat(sum).isEqualTo(devSubsampledFrames);
        } else {
          assertThat(sum).isPositive();
        }
        double h = layer.get("entropy").asDouble();
        assertThat(h).isGreaterThan(0).isLessThanOrEqualTo(Math.log(3) + 1e-9);
      }
    }
  }

  @Test
  void finishedRunAveragesTheBestEpochsAndCheckpointsAreSelfContained() throws Exception {
    run(tmp.resolve("c"), 0, 3, null);
    Path fin = tmp.resolve("c/final");
    assertThat(fin.resolve("model.npz")).exists();
    assertThat(fin.resolve("recipe.yaml")).exists();
    assertThat(fin.resolve("units.txt")).exists();
    List<Checkpoint.DevResult> dev = Checkpoint.readState(fin).dev();
    assertThat(dev).hasSize(3);
    // final = mean of the two epochs with the lowest dev CTC loss, unless that mean is worse on dev
    // than the best epoch alone (selection.json says which, with both scores)
    List<Checkpoint.DevResult> sorted = new ArrayList<>(dev);
    sorted.sort((x, y) -> Double.compare(x.ctc(), y.ctc()));
    var selection = tools.jackson.databind.json.JsonMapper.builder().build()
        .readTree(fin.resolve(FinalSelection.FILE).toFile());
    assertThat(selection.get("criterion").asString()).isEqualTo("ctc");
    assertThat(selection.get("averaged_epochs").get(0).asInt()).isEqualTo(sorted.get(0).epoch());
    assertThat(selection.get("averaged_epochs").get(1).asInt()).isEqualTo(sorted.get(1).epoch());
    assertThat(selection.get("best_epoch").asInt()).isEqualTo(sorted.get(0).epoch());
    assertThat(selection.get("best_dev").asDouble()).isEqualTo(sorted.get(0).ctc());
    double averageDev = selection.get("average_dev").asDouble();
    boolean keptAverage = selection.get("kept").asString().equals("average");
    assertThat(keptAverage).isEqualTo(averageDev <= sorted.get(0).ctc());
    Map<String, Npy.Array> a = Npz.read(tmp.resolve("c/epoch_" + sorted.get(0).epoch() + "/model.npz"));
    Map<String, Npy.Array> b = Npz.read(tmp.resolve("c/epoch_" + sorted.get(1).epoch() + "/model.npz"));
    Map<String, Npy.Array> f = Npz.read(fin.resolve("model.npz"));
    String key = "encoder.encoders.0.feed_forward.w_1.weight";
    for (int i = 0; i < 10; i++) {
      float want = keptAverage ? (a.get(key).data()[i] + b.get(key).data()[i]) / 2 : a.get(key).data()[i];
      assertThat(f.get(key).data()[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6f));
    }
    // the recorded score of the average is what validation gives for final/ when it holds the average
    if (keptAverage) {
      assertThat(devCtcOf(fin)).isCloseTo(averageDev, org.assertj.core.data.Offset.offset(1e-4));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Checkpoint.Loaded loaded = Checkpoint.load(fin, m);
      assertThat(loaded.units().size()).isEqualTo(14); // 11 characters + <blank>, <unk>, <sos/eos>
    }
  }

  @Test
  void checkpointFromAnotherRecipeIsRejectedWithTheDifferences() throws Exception {
    run(tmp.resolve("d"), 1, 10, null);
    Path other = tmp.resolve("other.yaml");
    Files.writeString(other, RECIPE.replace("linear_units: 64, num_blocks: 1, cnn", "linear_units: 48, num_blocks: 1, cnn"));
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(Recipe.read(other).withVocab(14), m, 1);
      Map<String, ai.djl.nn.Parameter> before = new LinkedHashMap<>(org.asr3m.nn.ParameterNames.of(model));
      float first = before.get("ctc.ctc_lo.weight").getArray().toFloatArray()[0];
      assertThatThrownBy(() -> Checkpoint.loadParameters(tmp.resolve("d/step_1/model.npz"), model))
          .isInstanceOf(InputException.class).hasMessageContaining("model.npz")
          .hasMessageContaining("encoder.encoders.0.feed_forward.w_1.weight has shape (64, 32) in the checkpoint but the recipe builds (48, 32)");
      // nothing was loaded half-way
      assertThat(before.get("ctc.ctc_lo.weight").getArray().toFloatArray()[0]).isEqualTo(first);
    }
  }
}
