package org.asr3m.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {
  @TempDir
  Path tmp;

  private Recipe read(String yaml) throws Exception {
    return Recipe.read(Files.writeString(tmp.resolve("r.yaml"), yaml));
  }

  @Test
  void shippedRecipesParseWithThePapersSettings() {
    Recipe r = Recipe.read(Path.of("../recipes/wenetspeech/conformer.yaml"));
    assertThat(r.encoder().numBlocks()).isEqualTo(12);
    assertThat(r.encoder().outputSize()).isEqualTo(512);
    assertThat(r.encoder().attentionHeads()).isEqualTo(8);
    assertThat(r.encoder().linearUnits()).isEqualTo(2048);
    assertThat(r.encoder().cnnModuleKernel()).isEqualTo(15);
    assertThat(r.decoder().numBlocks()).isEqualTo(6);
    assertThat(r.vocab()).isEqualTo(5561);
    assertThat(r.model().ctcWeight()).isEqualTo(0.3f);
    assertThat(r.model().ctcDropoutRate()).as("no dropout before the CTC projection, as WeNet").isZero();
    assertThat(r.data().specAugment()).isEqualTo(new org.asr3m.features.SpecAugment(2, 30, 2, 50));
    assertThat(r.train().maxEpoch()).isEqualTo(26);
    assertThat(Recipe.read(Path.of("../recipes/tiny-cmn/conformer.yaml")).encoder().numBlocks()).isEqualTo(4);
  }

  /**
   * tiny-cmn's conformer_wide.yaml is conformer.yaml but for the encoder's FFN width, so that the
   * capacity comparison changes one thing: a setting changed in one and not the other fails here.
   */
  @Test
  void tinyCmnWideConformerDiffersFromConformerOnlyInItsFfnWidth() throws Exception {
    String dense = Files.readString(Path.of("../recipes/tiny-cmn/conformer.yaml"));
    String wide = Files.readString(Path.of("../recipes/tiny-cmn/conformer_wide.yaml"));
    assertThat(Recipe.read(Path.of("../recipes/tiny-cmn/conformer_wide.yaml")).encoder().linearUnits()).isEqualTo(1152);
    assertThat(org.asr3m.pipeline.StageRecipes.canonical(wide.replaceFirst("linear_units: 1152", "linear_units: 576")))
        .isEqualTo(org.asr3m.pipeline.StageRecipes.canonical(dense));
  }

  /** Every shipped recipe parses and builds (weights not allocated), with the model family it names. */
  @Test
  void everyShippedRecipeBuilds() throws Exception {
    int n = 0;
    for (String dir : new String[] {"../recipes/wenetspeech", "../recipes/wenetspeech/table3", "../recipes/tiny-cmn"}) {
      try (var files = Files.list(Path.of(dir))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          Recipe r = Recipe.read(f);
          if (r.outputDim() == 0) {
            r = r.withVocab(100);
          }
          var model = new org.asr3m.model.AsrModel(r);
          long params = org.asr3m.model.ModelSize.parameters(model).get("total");
          assertThat(params).as(f.toString()).isPositive();
          String name = f.getFileName().toString();
          if (name.startsWith("3m")) {
            assertThat(r.modelType()).as(name).isEqualTo(Recipe.THREE_M);
            assertThat(r.decoderLevels()).as(name).hasSize(2);
          } else if (name.startsWith("conformer_moe")) {
            assertThat(r.modelType()).as(name).isEqualTo(Recipe.CONFORMER_MOE);
          } else if (name.startsWith("u2pp")) {
            assertThat(r.moe().topK()).isEqualTo(2);
            assertThat(r.encoder().useDynamicChunk()).isTrue();
          }
          n++;
        }
      }
    }
    assertThat(n).isGreaterThanOrEqualTo(19);
  }

  /** MoE recipes of one family spend the same compute per second whatever the expert count (within 1 %). */
  @Test
  void moeFlopsDoNotDependOnTheNumberOfExperts() {
    for (String dir : new String[] {"../recipes/wenetspeech/", "../recipes/wenetspeech/table3/"}) {
      long f16 = org.asr3m.model.ModelSize.flopsPerSecond(new org.asr3m.model.AsrModel(
          Recipe.read(Path.of(dir + "3m_16e.yaml"))));
      for (String r : new String[] {"3m_32e", "3m_64e", "conformer_moe_16e", "conformer_moe_32e", "conformer_moe_64e"}) {
        Path f = Path.of(dir + r + ".yaml");
        if (Files.exists(f)) {
          long flops = org.asr3m.model.ModelSize.flopsPerSecond(new org.asr3m.model.AsrModel(Recipe.read(f)));
          assertThat(Math.abs(flops - f16) / (double) f16).as(f.toString()).isLessThanOrEqualTo(0.01);
        }
      }
    }
  }

  @Test
  void ctcDropoutIsAnOptIn() throws Exception {
    assertThat(read("model_conf: {ctc_dropout_rate: 0.2}\n").model().ctcDropoutRate()).isEqualTo(0.2f);
    assertThatThrownBy(() -> read("model_conf: {ctc_dropout_rate: 1.5}\n"))
        .hasMessageContaining("model_conf.ctc_dropout_rate");
  }

  @Test
  void specAugmentOffKeepsItsSectionChecked() throws Exception {
    String off = "dataset_conf:\n  spec_aug: false\n  spec_aug_conf: {num_t_mask: 2, max_t: 20}\n";
    assertThat(read(off).data().specAugment()).isNull();
    assertThatThrownBy(() -> read("dataset_conf:\n  spec_aug: false\n  spec_aug_conf: {num_t_masks: 2}\n"))
        .hasMessageContaining("dataset_conf.spec_aug_conf.num_t_masks: unknown key").hasMessageContaining("num_t_mask");
  }

  @Test
  void errorsNameFileLineAndField() throws Exception {
    assertThatThrownBy(() -> read("encoder_conf:\n  num_blocks: -3\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("r.yaml:2").hasMessageContaining("encoder_conf.num_blocks: must be between 1 and 1000, got -3");
    assertThatThrownBy(() -> read("encoder_conf:\n  num_blokcs: 3\n")).hasMessageContaining("r.yaml:2")
        .hasMessageContaining("encoder_conf.num_blokcs: unknown key");
    assertThatThrownBy(() -> read("encoder_conf:\n  output_size: 100\n  attention_heads: 8\n"))
        .hasMessageContaining("encoder_conf.attention_heads: must divide output_size 100");
    assertThatThrownBy(() -> read("model_conf: {ctc_weight: abc}\n")).hasMessageContaining("r.yaml:1")
        .hasMessageContaining("model_conf.ctc_weight: must be a number, got 'abc'");
    assertThatThrownBy(() -> read("model_conf: {reverse_weight: 0.3}\n"))
        .hasMessageContaining("model_conf.reverse_weight: needs a bidirectional decoder");
    assertThatThrownBy(() -> read("decoder: lstm\n")).hasMessageContaining("decoder: must be one of transformer, bitransformer");
    assertThatThrownBy(() -> read("encoder_conf: [1, 2\n")).hasMessageContaining("invalid YAML");
    assertThatThrownBy(() -> Recipe.read(tmp.resolve("none.yaml"))).hasMessageContaining("recipe file not found");
  }

  @Test
  void vocabularyComesFromUnitsAndMustAgreeWithOutputDim() throws Exception {
    Recipe r = read("output_dim: 10\n");
    assertThat(r.withVocab(10).decoder().vocabSize()).isEqualTo(10);
    assertThatThrownBy(() -> r.withVocab(12)).hasMessageContaining("output_dim is 10 but units.txt has 12 units");
    assertThatThrownBy(() -> read("{}\n").vocab()).hasMessageContaining("output_dim is not set");
  }
}
