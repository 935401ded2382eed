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
    assertThat(r.data().specAugment()).isEqualTo(new org.asr3m.features.SpecAugment(2, 30, 2, 50));
    assertThat(r.train().maxEpoch()).isEqualTo(26);
    assertThat(Recipe.read(Path.of("../recipes/tiny-cmn/conformer.yaml")).encoder().numBlocks()).isEqualTo(4);
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
