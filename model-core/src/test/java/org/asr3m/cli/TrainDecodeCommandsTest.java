package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** `asr3m train` then `asr3m decode` of a tiny U2++ MoE model: streaming decode and expert statistics files. */
class TrainDecodeCommandsTest {
  private static final String RECIPE = """
      model: u2pp_moe
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 2, cnn_module_kernel: 3,
                     causal: true, use_dynamic_chunk: true}
      decoder: bitransformer
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1, r_num_blocks: 1}
      model_conf: {reverse_weight: 0.3}
      moe_conf: {num_experts: 3, top_k: 2}
      dataset_conf:
        filter_conf: {min_length: 10}
        batch_conf: {max_frames_in_batch: 600}
      max_epoch: 1
      average_num: 1
      """;

  @TempDir
  Path tmp;

  private String run(StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  void trainsThenStreamsAndWritesExpertStatistics() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("wav.scp"), "u1 " + Fixtures.path("audio/utt1.wav") + "\nu2 "
        + Fixtures.path("audio/utt2.wav") + "\nu3 " + Fixtures.path("audio/utt3.wav") + "\n");
    Files.writeString(data.resolve("text"), "u1 今天天气很好\nu2 我们去北京\nu3 你好\n");
    Path recipe = Files.writeString(tmp.resolve("u2pp.yaml"), RECIPE);
    Path exp = tmp.resolve("exp");
    String train = run(new StringWriter(), "train", "--recipe", recipe.toString(), "--train-data", data.toString(),
        "--dev-data", data.toString(), "--exp", exp.toString());
    assertThat(train).contains("epoch 0 experts").contains("encoders.0.feed_forward_macaron:")
        .contains("encoders.1.feed_forward:");
    var trainStats = JsonMapper.builder().build().readTree(exp.resolve("expert_stats/epoch_0.json").toFile());
    assertThat(trainStats.get("dev").size()).isEqualTo(4); // 2 blocks × 2 MoE FFNs

    for (String chunk : new String[] {"0", "4"}) {
      Path hyp = tmp.resolve("decode_" + chunk + "/text");
      String out = run(new StringWriter(), "decode", "--checkpoint", exp.resolve("final").toString(), "--data-dir",
          data.toString(), "--chunk-size", chunk, "--reverse-weight", "0.3", "--out", hyp.toString());
      assertThat(out).contains("decoded 3 utterances");
      assertThat(Files.readAllLines(hyp)).hasSize(3).allMatch(l -> l.matches("u[123]( .*)?"));
      var stats = JsonMapper.builder().build().readTree(hyp.resolveSibling("expert_stats.json").toFile());
      assertThat(stats.get("layers").size()).isEqualTo(4);
      long frames = 0;
      for (var c : stats.get("layers").get(0).get("frames")) {
        frames += c.asLong();
      }
      // every real encoder frame of the three utterances routed once (top-1 counts), streaming or not
      assertThat(frames).isEqualTo(trainStats.get("dev").get(0).get("frames").valueStream().mapToLong(v -> v.asLong()).sum());
    }
  }
}
