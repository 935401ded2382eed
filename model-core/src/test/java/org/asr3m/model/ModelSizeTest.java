package org.asr3m.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.asr3m.Fixtures;
import org.asr3m.cli.Asr3m;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ModelSizeTest {
  @Test
  void wenetspeechConformerIsWithinThreePercentOfThePapersParameterCount() throws Exception {
    StringWriter out = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "params", "--json",
        Path.of("../recipes/wenetspeech/conformer.yaml").toString());
    assertThat(code).isZero();
    var json = JsonMapper.builder().build().readTree(out.toString());
    long total = json.get("params").get("total").asLong();
    assertThat(Math.abs(total - 120e6) / 120e6).as("params %d vs 120M", total).isLessThanOrEqualTo(0.03);
    assertThat(json.get("flops_per_second").asLong()).isBetween(6_000_000_000L, 6_400_000_000L);
  }

  /** Table 3's FLOPs belong to the 150k-hour setup's 18-block encoder: the same counter gets within 5 %. */
  @Test
  void eighteenBlockEncoderMatchesThePapersFlops() {
    long flops = ModelSize.flopsPerSecond(new AsrModel(Recipe.read(Path.of("../recipes/wenetspeech/table3/conformer.yaml"))));
    assertThat(Math.abs(flops - 8.3e9) / 8.3e9).as("%d FLOPs", flops).isLessThanOrEqualTo(0.05);
  }

  /**
   * tiny-cmn's conformer_wide.yaml is the dense baseline at the MoE models' compute per frame (their
   * embedding network included): within 2 % of conformer_moe.yaml and 3m.yaml, where conformer.yaml
   * is a third below them.
   */
  @Test
  void tinyCmnWideConformerMatchesTheMoeModelsCompute() {
    long wide = tinyCmnFlops("conformer_wide");
    for (String moe : new String[] {"conformer_moe", "3m"}) {
      long m = tinyCmnFlops(moe);
      assertThat(Math.abs(wide - m) / (double) m).as("%s %d vs conformer_wide %d", moe, m, wide)
          .isLessThanOrEqualTo(0.02);
    }
    assertThat(tinyCmnFlops("conformer")).isLessThan(wide * 7 / 10);
  }

  private static long tinyCmnFlops(String recipe) {
    return ModelSize.flopsPerSecond(new AsrModel(Recipe.read(Path.of("../recipes/tiny-cmn/" + recipe + ".yaml"))
        .withVocab(383)));
  }

  /**
   * Table 3's MoE rows: `asr3m params` on the table3 recipes within 3 % of the paper's counts, and the
   * same compute whatever the number of experts.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"conformer_moe_16e, 425e6", "3m_16e, 500e6", "3m_32e, 775e6",
      "3m_64e, 1.37e9"})
  void tableThreeRecipesMatchThePapersParameterCounts(String recipe, double paper) throws Exception {
    StringWriter out = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "params", "--json",
        "../recipes/wenetspeech/table3/" + recipe + ".yaml");
    assertThat(code).isZero();
    var json = JsonMapper.builder().build().readTree(out.toString());
    long total = json.get("params").get("total").asLong();
    assertThat(Math.abs(total - paper) / paper).as("%s: %d params vs %.0f", recipe, total, paper)
        .isLessThanOrEqualTo(0.03);
    // the paper gives 12.3 B for all four; with the parameter counts held within 3 % the counter reaches
    // 10.9 G (README "Model size" says why no setting of the unstated widths gets both)
    long flops = json.get("flops_per_second").asLong();
    assertThat(Math.abs(flops - 12.3e9) / 12.3e9).as("%s: %d FLOPs vs 12.3 B", recipe, flops)
        .isLessThanOrEqualTo(0.12);
  }

  @Test
  void countWithoutAllocationEqualsTheAllocatedModel() {
    Recipe r = Recipe.read(Fixtures.path("model/recipe.yaml"));
    AsrModel counted = new AsrModel(r);
    Map<String, Long> byShape = ModelSize.parameters(counted);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel built = new AsrModel(r);
      built.initialize(m, DataType.FLOAT32, new Shape(1));
      long allocated = ParameterNames.of(built).values().stream().filter(p -> p.requiresGradient())
          .mapToLong(p -> p.getArray().size()).sum();
      assertThat(byShape.get("total")).isEqualTo(allocated);
    }
    assertThat(byShape).containsKeys("encoder.embed", "encoder.blocks", "decoder", "ctc");
  }

  /** The same cross-check for a small 3M model with narrow experts, an embedding network and multi-level decoders. */
  @Test
  void countWithoutAllocationEqualsTheAllocatedMoeModel(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path f = java.nio.file.Files.writeString(tmp.resolve("m.yaml"), """
        model: 3m
        output_dim: 30
        encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 3, cnn_module_kernel: 3}
        decoder: bitransformer
        decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1, r_num_blocks: 1}
        moe_conf: {num_experts: 5, expert_linear_units: 8}
        embedding_conf: {output_size: 8, attention_heads: 2, linear_units: 16, num_blocks: 2}
        """);
    Recipe r = Recipe.read(f);
    long counted = ModelSize.parameters(new AsrModel(r)).get("total");
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel built = AsrModel.create(r, m, 1);
      long allocated = ParameterNames.of(built).values().stream().filter(p -> p.requiresGradient())
          .mapToLong(p -> p.getArray().size()).sum();
      assertThat(counted).isEqualTo(allocated);
      // 3 layers × 5 experts × (16·8 + 8 + 8·16 + 16)
      assertThat(ModelSize.parameters(built).get("encoder.experts")).isEqualTo(3L * 5 * (16 * 8 + 8 + 8 * 16 + 16));
    }
  }

  /**
   * input_layer_channels sets the width of the front-end's two convolutions (WeNet: output_size)
   * and nothing else; the embedding network inherits it unless its own section sets it.
   */
  @Test
  void inputLayerChannelsSetOnlyTheFrontEndConvolutions(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String base = """
        model: conformer_moe
        output_dim: 30
        encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 2, cnn_module_kernel: 3%s}
        decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
        moe_conf: {num_experts: 3}
        embedding_conf: {output_size: 8, attention_heads: 2, linear_units: 16, num_blocks: 1%s}
        """;
    Recipe wenet = Recipe.read(java.nio.file.Files.writeString(tmp.resolve("a.yaml"), base.formatted("", "")));
    Recipe narrow = Recipe.read(java.nio.file.Files.writeString(tmp.resolve("b.yaml"),
        base.formatted(", input_layer_channels: 4", "")));
    Recipe own = Recipe.read(java.nio.file.Files.writeString(tmp.resolve("c.yaml"),
        base.formatted(", input_layer_channels: 4", ", input_layer_channels: 2")));
    assertThat(wenet.encoder().inputLayerChannels()).isEqualTo(16);
    assertThat(wenet.embedding().inputLayerChannels()).isEqualTo(16);
    assertThat(narrow.encoder().inputLayerChannels()).isEqualTo(4);
    assertThat(narrow.embedding().inputLayerChannels()).isEqualTo(4);
    assertThat(own.embedding().inputLayerChannels()).isEqualTo(2);
    // 80 mel bins leave 19 after two stride-2 convolutions: conv 1→c, conv c→c, linear 19·c→d
    java.util.function.LongBinaryOperator frontEnd = (c, d) -> (9 * c + c) + (9 * c * c + c) + (19 * c * d + d);
    Map<String, Long> w = ModelSize.parameters(new AsrModel(wenet));
    Map<String, Long> n = ModelSize.parameters(new AsrModel(narrow));
    assertThat(w.get("encoder.embed")).isEqualTo(frontEnd.applyAsLong(16, 16));
    assertThat(n.get("encoder.embed")).isEqualTo(frontEnd.applyAsLong(4, 16));
    assertThat(w.get("total") - n.get("total")).isEqualTo(frontEnd.applyAsLong(16, 16) - frontEnd.applyAsLong(4, 16)
        + frontEnd.applyAsLong(16, 8) - frontEnd.applyAsLong(4, 8));
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(own, m, 1);
      long allocated = ParameterNames.of(model).values().stream().filter(p -> p.requiresGradient())
          .mapToLong(p -> p.getArray().size()).sum();
      assertThat(ModelSize.parameters(model).get("total")).isEqualTo(allocated);
      ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(m, false);
      var encoded = model.encode(ps, m.randomNormal(new Shape(2, 100, 80)), m.create(new long[] {100, 60}), false, 0, -1);
      assertThat(encoded.output().out().getShape()).isEqualTo(new Shape(2, 24, 16));
    }
  }
}
