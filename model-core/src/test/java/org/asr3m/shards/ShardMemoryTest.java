package org.asr3m.shards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory bounded by settings, not by the corpus: a training epoch of 600 utterances, whose decoded
 * audio (~70 MB as float32) is twice the heap, is read with augmentation in a JVM given -Xmx32m, from
 * shards and from the data directory. (tools/shard-memory-check.sh does the same at 20 hours with training.)
 */
class ShardMemoryTest {
  private static final String RECIPE = """
      encoder_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 1}
      dataset_conf:
        batch_conf: {max_frames_in_batch: 2000}
        shuffle_conf: {shuffle_size: 50}
        sort_conf: {sort_size: 25}
        num_workers: 2
        prefetch: 2
        spec_aug: true
        speed_perturb: true
      """;

  @TempDir
  static Path tmp;

  static Path data;
  static Path recipe;

  @BeforeAll
  static void corpus() throws Exception {
    data = TinyCorpus.dataDir(tmp.resolve("data"), 200);
    MakeShards.run(data, tmp.resolve("shards"), 100, 2);
    recipe = Files.writeString(tmp.resolve("recipe.yaml"), RECIPE);
  }

  private static String epochIn32m(Path input) throws Exception {
    Path log = tmp.resolve("out-" + System.nanoTime() + ".txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), StreamEpochMain.class.getName(),
        input.toString(), recipe.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void shardEpochFitsInASmallHeap() throws Exception {
    String out = epochIn32m(tmp.resolve("shards/shards.list"));
    assertThat(out).contains("utterances 600 ");
  }

  @Test
  void dataDirectoryEpochFitsInASmallHeap() throws Exception {
    String out = epochIn32m(data);
    assertThat(out).contains("utterances 600 ");
  }

  /**
   * CMVN and units of the shards in the same 32 MB heap: their features alone (~38 MB as float32) would
   * not fit, so the pass must not hold them.
   */
  @Test
  void cmvnAndUnitsOfTheShardsFitInASmallHeap() throws Exception {
    Path list = tmp.resolve("shards/shards.list");
    String cmvn = asr3mIn32m("cmvn", "--shard-list", list.toString(), "-o", tmp.resolve("global_cmvn").toString(),
        "--threads", "2");
    long frames = 0;
    org.asr3m.features.FeatureExtractor x = new org.asr3m.features.FeatureExtractor(
        org.asr3m.audio.AudioOptions.MONO_16K, org.asr3m.features.FbankOptions.WENET.withDither(0), 0);
    for (int i = 1; i <= 3; i++) {
      frames += 200L * x.extract(org.asr3m.Fixtures.path("audio/utt" + i + ".wav"), 0, -1).length;
    }
    assertThat(cmvn).contains("global CMVN over " + frames + " frames");
    String units = asr3mIn32m("build-units", "--shard-list", list.toString(), "-o", tmp.resolve("units.txt").toString());
    assertThat(units).contains("600 transcripts in 6 shard(s)");
  }

  private static String asr3mIn32m(String... args) throws Exception {
    Path log = tmp.resolve("asr3m-" + System.nanoTime() + ".txt");
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-Dai.djl.offline=true", "-cp",
        System.getProperty("java.class.path"), org.asr3m.cli.Asr3m.class.getName()));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
