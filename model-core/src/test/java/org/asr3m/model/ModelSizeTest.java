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
  void eighteenBlockEncoderMatchesThePapersFlops(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String yaml = java.nio.file.Files.readString(Path.of("../recipes/wenetspeech/conformer.yaml"))
        .replace("num_blocks: 12", "num_blocks: 18");
    Path f = java.nio.file.Files.writeString(tmp.resolve("c18.yaml"), yaml);
    long flops = ModelSize.flopsPerSecond(new AsrModel(Recipe.read(f)));
    assertThat(Math.abs(flops - 8.3e9) / 8.3e9).as("%d FLOPs", flops).isLessThanOrEqualTo(0.05);
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
}
