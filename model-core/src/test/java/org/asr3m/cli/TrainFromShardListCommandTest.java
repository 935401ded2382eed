package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.asr3m.Fixtures;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.recipe.Recipe;
import org.asr3m.shards.ShardWriter;
import org.asr3m.shards.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `asr3m train` from a shard list without --units and --cmvn (both made from the shards, equal to the
 * data directory's), with --use-amp recorded in the checkpoints' recipe and kept by a resume.
 */
class TrainFromShardListCommandTest {
  private static final String RECIPE = """
      # a tiny Conformer (this comment stays in the checkpoints' recipe.yaml)
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 1, cnn_module_kernel: 3}
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
      dataset_conf:
        filter_conf: {min_length: 10}
        speed_perturb: false
        batch_conf: {max_frames_in_batch: 500}
      log_interval: 1
      max_epoch: 2
      average_num: 1
      """;

  @TempDir
  Path tmp;

  private final StringWriter err = new StringWriter();

  private String run(String... args) {
    StringWriter out = new StringWriter();
    err.getBuffer().setLength(0);
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as(out + err.toString()).isZero();
    return out.toString();
  }

  /** Two speakers' tiny-cmn utterances as a data dir, also written as shards of perShard utterances to tmp/shards. */
  private Path dataWithShards(int perShard) throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("data"), 2);
    run("make-shards", "--data-dir", data.toString(), "--out", tmp.resolve("shards").toString(),
        "--num-utts-per-shard", String.valueOf(perShard));
    return data;
  }

  /** asr3m train on the CPU from a shard list, validating on the data dir. */
  private String train(Path recipe, Path list, Path data, Path exp, String... more) {
    String[] args = {"train", "--recipe", recipe.toString(), "--train-data", list.toString(), "--dev-data",
        data.toString(), "--exp", exp.toString(), "--device", "cpu"};
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return run(all);
  }

  @Test
  void aBatchWhoseOnlyMemberTurnsOutCorruptIsPassedOverAndTheEpochCompletes() throws Exception {
    Path data = dataWithShards(6);
    // a second shard: one FLAC cut in half, whose header (STREAMINFO) is valid and whose payload is not
    Path cut = tmp.resolve("shards/cut.tar");
    try (ShardWriter w = new ShardWriter(cut)) {
      byte[] flac = Files.readAllBytes(Fixtures.path("audio/utt1.flac"));
      w.add("zz-cut", "flac", Arrays.copyOf(flac, flac.length / 2), "你好");
      w.commit();
    }
    Path list = Files.writeString(tmp.resolve("two.list"),
        tmp.resolve("shards/shards_000000.tar") + "\n" + cut + "\n");
    // one utterance per batch, one update per batch
    Path recipe = Files.writeString(tmp.resolve("r.yaml"),
        RECIPE.replace("{max_frames_in_batch: 500}", "{max_frames_in_batch: 1}") + "accum_grad: 1\n");
    String train = train(recipe, list, data, tmp.resolve("exp"), "--max-epochs", "1");
    // 7 planned batches (lengths come from the headers), 6 updates: the cut member's batch arrived empty
    assertThat(train).contains("epoch 0 data: 6 utterances").contains("1 bad input(s) skipped")
        .contains("epoch 0 step 6 ").doesNotContain("epoch 0 step 7 ").contains("epoch 0 done:");
  }

  @Test
  void unitsAndCmvnComeFromTheShardsAndUseAmpIsRecordedAndResumed() throws Exception {
    Path data = dataWithShards(2);
    Path list = tmp.resolve("shards/shards.list");
    Path recipe = Files.writeString(tmp.resolve("r.yaml"), RECIPE);
    Path exp = tmp.resolve("exp");

    String train = train(recipe, list, data, exp, "--max-epochs", "1", "--use-amp");
    assertThat(train).contains("built " + exp.resolve("units.txt") + " from 6 transcripts in 3 shard(s)")
        .contains("global CMVN over").contains("-> " + exp.resolve("global_cmvn"))
        .contains("(use_amp: fp16 compute, dynamic loss scaling)");

    // the same units and statistics as from the data directory
    run("build-units", data.resolve("text").toString(), "-o", tmp.resolve("units.txt").toString());
    assertThat(Files.readString(exp.resolve("units.txt"))).isEqualTo(Files.readString(tmp.resolve("units.txt")));
    run("cmvn", "--data-dir", data.toString(), "-o", tmp.resolve("global_cmvn").toString());
    GlobalCmvn fromDir = GlobalCmvn.read(tmp.resolve("global_cmvn"));
    GlobalCmvn fromShards = GlobalCmvn.read(exp.resolve("global_cmvn"));
    assertThat(fromShards.frameCount()).isEqualTo(fromDir.frameCount());
    double[] m0 = fromDir.mean();
    double[] m1 = fromShards.mean();
    double[] s0 = fromDir.inverseStd();
    double[] s1 = fromShards.inverseStd();
    for (int d = 0; d < m0.length; d++) {
      assertThat(m1[d]).isCloseTo(m0[d], org.assertj.core.data.Offset.offset(1e-9));
      assertThat(s1[d]).isCloseTo(s0[d], org.assertj.core.data.Offset.offset(1e-9 * s0[d]));
    }

    // every checkpoint stores the recipe as trained (fp16 steps may overflow and be skipped: epochs, not steps)
    Path epoch0 = exp.resolve("epoch_0/recipe.yaml");
    assertThat(Recipe.read(exp.resolve("init/recipe.yaml")).train().useAmp()).isTrue();
    assertThat(Recipe.read(epoch0).train().useAmp()).isTrue();
    assertThat(Files.readString(epoch0)).startsWith("# a tiny Conformer").endsWith("use_amp: true\n");
    assertThat(Recipe.read(recipe).train().useAmp()).isFalse(); // the user's file is left alone

    // a resume without the switch keeps the checkpoint's precision, and reuses units and CMVN
    String resumed = train(recipe, list, data, exp, "--max-epochs", "2", "--resume",
        exp.resolve("epoch_0").toString());
    assertThat(resumed).contains("use_amp: true as in " + epoch0).contains("(use_amp: fp16 compute")
        .doesNotContain("built ").doesNotContain("global CMVN over");
    assertThat(Recipe.read(exp.resolve("epoch_1/recipe.yaml")).train().useAmp()).isTrue();
  }
}
