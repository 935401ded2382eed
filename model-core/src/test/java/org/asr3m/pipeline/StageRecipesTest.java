package org.asr3m.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.io.InputException;
import org.asr3m.model.AsrModel;
import org.asr3m.model.ModelSize;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;

/** The stage recipes derived from the shipped tiny-cmn model recipes, and pipeline_conf itself. */
class StageRecipesTest {
  private static final Path DIR = Path.of("../recipes/tiny-cmn");

  private static String text(String name) throws Exception {
    return Files.readString(DIR.resolve(name));
  }

  private static Recipe parse(String yaml) {
    return Recipe.fromYaml(Path.of("derived.yaml"), yaml);
  }

  private static long parameters(Recipe r) {
    return ModelSize.parameters(new AsrModel(r.withVocab(737))).get("total");
  }

  @Test
  void baseOfTheMoeRecipesIsTheDenseConformerWithTheSameShape() throws Exception {
    Recipe dense = Recipe.read(DIR.resolve("conformer.yaml"));
    for (String name : List.of("conformer_moe.yaml", "3m.yaml")) {
      Recipe moe = Recipe.read(DIR.resolve(name));
      String yaml = StageRecipes.baseRecipe(DIR.resolve(name), text(name)).orElseThrow();
      Recipe base = parse(yaml);
      assertThat(base.modelType()).as(name).isEqualTo(Recipe.CONFORMER);
      assertThat(base.moe()).isNull();
      assertThat(base.embedding()).isNull();
      assertThat(base.decoderLevels()).isEmpty();
      assertThat(base.encoder()).isEqualTo(moe.encoder());
      assertThat(base.decoder()).isEqualTo(moe.decoder());
      assertThat(base.model()).isEqualTo(moe.model());
      assertThat(base.data()).isEqualTo(moe.data());
      assertThat(base.train().maxEpoch()).isEqualTo(moe.pipeline().baseEpochs()).isEqualTo(20);
      assertThat(base.train().seed()).isEqualTo(moe.train().seed());
      // the hand-written baseline builds exactly this model
      assertThat(base.encoder()).isEqualTo(dense.encoder());
      assertThat(parameters(base)).isEqualTo(parameters(dense));
      assertThat(StageRecipes.canonical(yaml, "encoder_conf", "decoder_conf", "model_conf", "dataset_conf", "optim_conf"))
          .isEqualTo(StageRecipes.canonical(text("conformer.yaml"), "encoder_conf", "decoder_conf", "model_conf",
              "dataset_conf", "optim_conf"));
    }
  }

  @Test
  void embeddingRecipeBuildsTheHandWrittenEmbeddingNetwork() throws Exception {
    Recipe byHand = Recipe.read(DIR.resolve("embedding_net.yaml"));
    for (String name : List.of("conformer_moe.yaml", "3m.yaml")) {
      Recipe moe = Recipe.read(DIR.resolve(name));
      Recipe emb = parse(StageRecipes.embeddingRecipe(text(name)).orElseThrow());
      assertThat(emb.modelType()).isEqualTo(Recipe.CONFORMER);
      assertThat(emb.encoder()).as(name).isEqualTo(byHand.encoder());
      // the model's embedding network is this recipe's encoder
      assertThat(emb.encoder()).isEqualTo(moe.embedding());
      assertThat(emb.decoder()).isEqualTo(byHand.decoder());
      assertThat(parameters(emb)).isEqualTo(parameters(byHand));
      assertThat(emb.train().maxEpoch()).isEqualTo(moe.pipeline().embeddingEpochs()).isEqualTo(20);
    }
  }

  @Test
  void modelsWithoutBaseOrEmbeddingGetNone() throws Exception {
    for (String name : List.of("u2pp_moe.yaml", "conformer.yaml")) {
      assertThat(StageRecipes.baseRecipe(text(name))).as(name).isEmpty();
      assertThat(StageRecipes.embeddingRecipe(text(name))).as(name).isEmpty();
    }
    Recipe u2pp = Recipe.read(DIR.resolve("u2pp_moe.yaml"));
    assertThat(u2pp.pipeline().baseEpochs()).isZero();
    assertThat(u2pp.pipeline().decodeModes()).containsExactly("ctc_prefix_beam_search", "attention_rescoring");
    // base_epochs: 0 trains an MoE recipe from scratch
    String scratch = text("3m.yaml").replace("base_epochs: 20", "base_epochs: 0");
    assertThat(StageRecipes.baseRecipe(scratch)).isEmpty();
    assertThat(StageRecipes.embeddingRecipe(scratch)).isPresent();
  }

  @Test
  void pipelineConfDefaultsFollowTheModel() {
    String moe = """
        max_epoch: 7
        model: conformer_moe
        """;
    Recipe r = parse(moe);
    assertThat(r.pipeline()).isEqualTo(new Recipe.PipelineConf(7, 7,
        List.of("ctc_prefix_beam_search", "attention_rescoring"), 10));
    assertThat(parse("max_epoch: 7\n").pipeline().baseEpochs()).isZero();
    assertThat(parse("max_epoch: 7\n").pipeline().embeddingEpochs()).isZero();
    assertThat(parse("max_epoch: 7\nmodel: u2pp_moe\n").pipeline().baseEpochs()).isZero();
    assertThat(parse("pipeline_conf: {decode_modes: attention}\n").pipeline().decodeModes()).containsExactly("attention");
  }

  @Test
  void pipelineConfErrorsNameFileLineAndField() {
    assertThatThrownBy(() -> parse("model: 3m\npipeline_conf:\n  base_epoch: 3\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("derived.yaml:3: pipeline_conf.base_epoch: unknown key");
    assertThatThrownBy(() -> parse("pipeline_conf:\n  decode_modes: [ctc_greedy_search, beam]\n"))
        .hasMessageContaining("derived.yaml:2: pipeline_conf.decode_modes: must be one or a list of")
        .hasMessageContaining("got 'beam'");
    assertThatThrownBy(() -> parse("pipeline_conf:\n  decode_modes:\n    - attention\n    - attention\n"))
        .hasMessageContaining("derived.yaml:4: pipeline_conf.decode_modes: lists 'attention' twice");
    assertThatThrownBy(() -> parse("pipeline_conf: {base_epochs: 3}\n"))
        .hasMessageContaining("pipeline_conf.base_epochs: must be 0 for model: conformer");
    assertThatThrownBy(() -> parse("model: u2pp_moe\npipeline_conf: {embedding_epochs: 3}\n"))
        .hasMessageContaining("pipeline_conf.embedding_epochs: must be 0");
    assertThatThrownBy(() -> parse("pipeline_conf: {beam: 0}\n"))
        .hasMessageContaining("pipeline_conf.beam: must be between 1 and 1000, got 0");
  }

  @Test
  void canonicalIgnoresFormattingButNotValues() throws Exception {
    String original = text("3m.yaml");
    // the same settings written differently: flow style, other key order, comments, number spellings
    String reformatted = """
        # a comment
        encoder_conf: {num_blocks: 4, output_size: 144, attention_heads: 4, linear_units: 576,
          dropout_rate: .10, positional_dropout_rate: 1e-1, attention_dropout_rate: 0, cnn_module_kernel: 15,
          input_layer_channels: 32, use_cnn_module: yes, macaron_style: True, cnn_module_norm: layer_norm}
        optim_conf:
          lr: 2.0e-3
        """;
    String[] keys = {"encoder_conf", "optim_conf"};
    assertThat(StageRecipes.canonical(reformatted, keys)).isEqualTo(StageRecipes.canonical(original, keys));
    assertThat(StageRecipes.canonical(reformatted.replace("lr: 2.0e-3", "lr: 2.1e-3"), keys))
        .isNotEqualTo(StageRecipes.canonical(original, keys));
    assertThat(StageRecipes.canonical(original.replace("num_blocks: 4", "num_blocks: 5"), keys))
        .isNotEqualTo(StageRecipes.canonical(original, keys));
    // sections not named do not count
    assertThat(StageRecipes.canonical(original.replace("max_epoch: 20", "max_epoch: 21"), keys))
        .isEqualTo(StageRecipes.canonical(original, keys));
    assertThat(StageRecipes.canonical(original.replace("max_epoch: 20", "max_epoch: 21")))
        .isNotEqualTo(StageRecipes.canonical(original));
    assertThat(StageRecipes.canonical("optim_conf: {lr: 0.002}\n")).isEqualTo("{\"optim_conf\":{\"lr\":\"0.002\"}}");
  }

  @Test
  void derivedRecipesAreStableText() throws Exception {
    // the same input derives byte-identical text (it is hashed and stored with checkpoints)
    assertThat(StageRecipes.baseRecipe(text("3m.yaml"))).isEqualTo(StageRecipes.baseRecipe(text("3m.yaml")));
    String base = StageRecipes.baseRecipe(text("3m.yaml")).orElseThrow();
    assertThat(base).doesNotContain("moe_conf").doesNotContain("embedding_conf").doesNotContain("multi_level_conf")
        .doesNotContain("pipeline_conf").contains("model: conformer");
    // derived recipes have no pipeline of their own
    assertThat(StageRecipes.baseRecipe(base)).isEmpty();
  }
}
