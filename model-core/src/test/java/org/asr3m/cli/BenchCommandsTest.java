package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The expert-count sweeps of `asr3m bench` run each count and print the ratios (values are not timed here). */
class BenchCommandsTest {
  private static final String MOE = """
      model: conformer_moe
      output_dim: 10
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 2, cnn_module_kernel: 3}
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
      moe_conf: {num_experts: 4, router_input: layer}
      """;

  @TempDir
  Path tmp;

  private String run(int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as(err.toString()).isEqualTo(expectedCode);
    return out + err.toString();
  }

  @Test
  void trainAndDecodeBenchmarksSweepExpertCounts() throws Exception {
    Path r = Files.writeString(tmp.resolve("moe.yaml"), MOE);
    String train = run(0, "bench", "train", r.toString(), "--experts", "2,8", "--steps", "1", "--batch", "1",
        "--frames", "60", "--tokens", "3");
    assertThat(train).contains("--- 2 experts").contains("--- 8 experts").contains("step time relative to 2 experts")
        .containsPattern("\\s2 experts\\s+[0-9.]+ s\\s+ratio 1\\.000");
    assertThat(train).containsPattern("\\s8 experts\\s+[0-9.]+ s\\s+ratio [0-9.]+");
    // whole step, forward + backward, parameter update: three measured columns with their ratios
    assertThat(train).containsPattern("\\s8 experts(\\s+[0-9.]+ s ratio [0-9.]+){3}")
        .containsPattern("forward [0-9.]+ s, backward [0-9.]+ s, gradient norm [0-9.]+ s, clipped Adam [0-9.]+ s");
    String decode = run(0, "bench", "decode", "--recipe", r.toString(), "--experts", "2,8", "--utterances", "2", "--batch", "2",
        "--seconds", "1", "--mode", "ctc_greedy_search");
    assertThat(decode).contains("RTF relative to 2 experts").containsPattern("\\s8 experts\\s+RTF [0-9.]+ ratio [0-9.]+");
  }

  /**
   * More steps than a block: the expert counts take turns (each still runs every step asked for),
   * and --steps 0 is a bad input.
   */
  @Test
  void expertCountsTakeTurnsInBlocks() throws Exception {
    Path r = Files.writeString(tmp.resolve("moe.yaml"), MOE);
    String train = run(0, "bench", "train", r.toString(), "--experts", "2,4", "--steps", "9", "--batch", "1",
        "--frames", "40", "--tokens", "3");
    assertThat(train).contains("the expert counts took turns: 2 rounds of up to 8 steps each, in alternating order");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("mean of (\\d+) steps").matcher(train);
    int counts = 0;
    while (m.find()) {
      assertThat(m.group(1)).as("each count timed for every step asked").isEqualTo("9");
      counts++;
    }
    assertThat(counts).isEqualTo(2);
    assertThat(run(2, "bench", "train", r.toString(), "--steps", "0")).contains("--steps must be at least 1, got 0");
    assertThat(run(2, "bench", "train", r.toString(), "--batch", "0"))
        .contains("asr3m bench train: error: --batch must be at least 1");
    assertThat(run(2, "bench", "train", r.toString(), "--frames", "6")).contains("--frames 6 is too short");
    Path none = tmp.resolve("none");
    assertThat(run(2, "decode", "--checkpoint", none.toString(), "--data-dir", none.toString(), "--out",
        none.toString(), "--reverse-weight", "1.5"))
        .contains("asr3m decode: error: --ctc-weight must be >= 0, --reverse-weight in [0, 1] and --chunk-size >= 0");
    assertThat(run(2, "train", "--recipe", r.toString(), "--train-data", none.toString(), "--dev-data",
        none.toString(), "--exp", none.toString(), "--max-epochs", "-1"))
        .contains("asr3m train: error: --max-epochs and --max-steps must be >= 0");
    assertThat(run(2, "bench", "decode", "--recipe", r.toString(), "--utterances", "0"))
        .contains("asr3m bench decode: error: --utterances and --seconds must be at least 1, got 0 and 5");
  }

  /** The commands tools/peer_bench/run.py reads: it parses these exact phrases. */
  @Test
  void ctcAndMatmulBenchmarksPrintWhatThePeerRunnerParses() {
    String ctc = run(0, "bench", "ctc", "--batch", "2", "--frames", "12", "--tokens", "3", "--vocab", "7", "--repeats",
        "2", "--threads", "1", "--warmup", "0.3");
    assertThat(ctc).containsPattern("median [0-9.]+ ms").contains("1 intra-op threads");
    // warm-up by time: 0.3 s of calls that take about a millisecond is many more than the minimum of 3
    java.util.regex.Matcher warm = java.util.regex.Pattern.compile("after (\\d+) warm-up runs").matcher(ctc);
    assertThat(warm.find()).as(ctc).isTrue();
    assertThat(Integer.parseInt(warm.group(1))).isGreaterThan(3);
    assertThat(run(0, "bench", "matmul", "--size", "32", "--repeats", "2")).containsPattern("[0-9.]+ GFLOP/s")
        .contains("MKL");
    assertThat(run(2, "bench", "matmul", "--size", "0"))
        .contains("asr3m bench matmul: error: --size and --repeats must be at least 1 and --threads at least 0, got 0");
    assertThat(run(2, "bench", "fbank", "--repeat", "0")).contains("asr3m bench fbank: error: --repeat and --threads must be at least 1, got 0");
    // the error names the whole subcommand: "asr3m decode" would point at another command
    assertThat(run(2, "bench", "ctc", "--warmup", "-1")).contains("asr3m bench ctc: error: --warmup must be at least 0");
  }

  @Test
  void expertSweepOfADenseRecipeIsABadInput() throws Exception {
    Path r = Files.writeString(tmp.resolve("dense.yaml"), MOE.replace("model: conformer_moe", "model: conformer")
        .replace("moe_conf: {num_experts: 4, router_input: layer}\n", ""));
    assertThat(run(2, "bench", "train", r.toString(), "--experts", "2,8", "--steps", "1"))
        .contains("dense.yaml").contains("has no MoE layers");
  }

  /**
   * --profile writes libtorch's operator trace of the timed work (what tools/peer_bench/profile_ops.py
   * reads); the decoding benchmark then measures one thread count only, so the trace holds one setting.
   */
  @Test
  void profilesHoldTheTimedOperators() throws Exception {
    Path r = Files.writeString(tmp.resolve("moe.yaml"), MOE);
    Path train = tmp.resolve("train.json");
    assertThat(run(0, "bench", "train", r.toString(), "--steps", "1", "--batch", "1", "--frames", "40", "--tokens", "3",
        "--profile", train.toString())).contains("operator profile of the timed steps: " + train);
    assertThat(Files.readString(train).strip()).startsWith("[").contains("\"aten::mm\"");
    Path decode = tmp.resolve("decode.json");
    String out = run(0, "bench", "decode", "--recipe", r.toString(), "--utterances", "1", "--seconds", "1", "--mode",
        "ctc_greedy_search", "--profile", decode.toString());
    assertThat(out).contains("operator profile of the 5 timed rounds: " + decode).contains("threads=1 ")
        .doesNotContain("threads=2");
    assertThat(Files.readString(decode).strip()).startsWith("[").contains("\"aten::mm\"")
        .doesNotContain("\"aten::mm_backward\"");
    // a trace that cannot be written is a bad input before any work, not libtorch's error at the end
    Path nowhere = tmp.resolve("missing").resolve("p.json");
    assertThat(run(2, "bench", "decode", "--recipe", r.toString(), "--profile", nowhere.toString()))
        .contains("asr3m bench decode: error: --profile " + nowhere + ": cannot write the trace there (its directory "
            + nowhere.getParent() + " does not exist)").doesNotContain("decode benchmark:");
    assertThat(run(2, "bench", "train", r.toString(), "--profile", tmp.toString()))
        .contains("--profile " + tmp + ": cannot write the trace there (it is a directory)").doesNotContain("train step");
  }

  /** --use-amp times the trainer's fp16 step (half parameters, scaled loss); --no-use-amp the fp32 one. */
  @Test
  void trainBenchmarkTimesTheFp16StepOnRequest() throws Exception {
    Path r = Files.writeString(tmp.resolve("amp.yaml"), MOE.replace("model: conformer_moe", "model: conformer")
        .replace("moe_conf: {num_experts: 4, router_input: layer}\n", "use_amp: true\n"));
    String[] size = {"--steps", "1", "--batch", "2", "--frames", "60", "--tokens", "3"};
    String amp = run(0, concat(new String[] {"bench", "train", r.toString()}, size));
    assertThat(amp).contains("fp16 compute with loss scaling (use_amp)").containsPattern("train step [0-9.]+ s");
    String fp32 = run(0, concat(new String[] {"bench", "train", r.toString(), "--no-use-amp"}, size));
    assertThat(fp32).contains(" intra-op threads, fp32").doesNotContain("fp16");
    Files.writeString(r, Files.readString(r).replace("use_amp: true\n", ""));
    assertThat(run(0, concat(new String[] {"bench", "train", r.toString(), "--use-amp"}, size)))
        .contains("fp16 compute with loss scaling (use_amp)");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
