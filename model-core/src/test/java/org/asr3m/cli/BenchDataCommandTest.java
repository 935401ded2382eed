package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.asr3m.data.Units;
import org.asr3m.shards.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `asr3m make-shards` then `asr3m bench data` on the shards: both print their results (values not timed here). */
class BenchDataCommandTest {
  private static final String RECIPE = """
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 1, cnn_module_kernel: 3}
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
      dataset_conf: {batch_conf: {max_frames_in_batch: 400}, num_workers: 2}
      """;

  @TempDir
  Path tmp;

  private static String run(int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as(out + err.toString()).isEqualTo(expectedCode);
    return out + err.toString();
  }

  @Test
  void makesShardsAndComparesLoaderThreadsAndTheFedTrainStep() throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("data"), 2);
    String[] texts = TinyCorpus.TEXTS;
    // one utterance whose audio is missing: reported by make-shards, the other six sharded
    Files.writeString(data.resolve("wav.scp"), "bad " + tmp.resolve("missing.wav") + "\n", StandardOpenOption.APPEND);
    Files.writeString(data.resolve("text"), "bad 你好\n", StandardOpenOption.APPEND);
    String made = run(Asr3m.EXIT_PARTIAL, "make-shards", "--data-dir", data.toString(), "--out",
        tmp.resolve("shards").toString(), "--num-utts-per-shard", "2", "--threads", "2");
    assertThat(made).contains("3 shard(s)").contains("6 utterances").contains("missing.wav");
    Path units = tmp.resolve("units.txt");
    Units.build(List.of(texts)).write(units);
    Path recipe = Files.writeString(tmp.resolve("r.yaml"), RECIPE);
    String bench = run(0, "bench", "data", recipe.toString(), "--data", tmp.resolve("shards/shards.list").toString(),
        "--units", units.toString(), "--threads", "2", "--batches", "3");
    assertThat(bench).containsPattern("loader, 1 thread: +[0-9]+ frames/s")
        .containsPattern("loader, 2 threads: [0-9]+ frames/s +\\(x[0-9.]+\\)")
        .containsPattern("loader slowdown of the train step: [-+][0-9.]+ %");
    assertThat(run(2, "bench", "data", recipe.toString(), "--data", tmp.resolve("shards/shards.list").toString(),
        "--units", units.toString(), "--batches", "0"))
        .contains("asr3m bench data: error: --batches and --threads must be at least 1, got 0");
  }
}
