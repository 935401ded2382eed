package org.asr3m.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;

/** {@link Recipe#validate}: every problem at once, each with its field path and line. */
class RecipeValidateTest {
  private static final Path FILE = Path.of("submitted.yaml");

  @Test
  void aValidRecipeHasNoProblemsAndShippedRecipesAreValid() throws Exception {
    assertThat(Recipe.validate(FILE, "model: conformer\nmax_epoch: 3\n")).isEmpty();
    for (String r : new String[] {"conformer", "conformer_moe", "3m", "u2pp_moe"}) {
      Path p = Path.of("../recipes/tiny-cmn/" + r + ".yaml");
      assertThat(Recipe.validate(p, Files.readString(p))).as(r).isEmpty();
    }
  }

  @Test
  void everyProblemIsListedWithFieldAndLine() {
    String yaml = """
        model: 3m
        encoder_conf:
          num_blocks: 4
          output_sise: 256
        optim_conf:
          lr: -0.1
        moe_conf:
          num_experts: 4
          top_k: 8
        max_epoch: lots
        accum_grad: 0
        """;
    List<RecipeProblem> problems = Recipe.validate(FILE, yaml);
    assertThat(problems).extracting(RecipeProblem::field).containsExactlyInAnyOrder("encoder_conf.output_sise",
        "optim_conf.lr", "moe_conf.top_k", "max_epoch", "accum_grad");
    assertThat(find(problems, "encoder_conf.output_sise")).satisfies(p -> {
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.message()).startsWith("unknown key");
    });
    assertThat(find(problems, "optim_conf.lr").line()).isEqualTo(6);
    assertThat(find(problems, "optim_conf.lr").message()).contains("between").contains("-0.1");
    assertThat(find(problems, "moe_conf.top_k").line()).isEqualTo(9);
    assertThat(find(problems, "moe_conf.top_k").message()).contains("between 1 and 4");
    assertThat(find(problems, "max_epoch").message()).contains("integer");
    assertThat(find(problems, "accum_grad").line()).isEqualTo(11);
    // the first problem is the one fromYaml throws
    assertThatThrownBy(() -> Recipe.fromYaml(FILE, yaml)).isInstanceOf(InputException.class)
        .hasMessageStartingWith("submitted.yaml:");
  }

  @Test
  void zeroExpertsCrossFieldChecksAndDuplicatesAreAllReported() {
    String yaml = """
        model: conformer_moe
        moe_conf: {num_experts: 0}
        encoder_conf: {output_size: 100, attention_heads: 3, cnn_module_kernel: 4}
        seed: 1
        seed: 2
        """;
    List<RecipeProblem> problems = Recipe.validate(FILE, yaml);
    assertThat(problems).extracting(RecipeProblem::field).contains("moe_conf.num_experts",
        "encoder_conf.attention_heads", "encoder_conf.cnn_module_kernel", "seed");
    assertThat(find(problems, "moe_conf.num_experts").line()).isEqualTo(2);
    assertThat(find(problems, "encoder_conf.cnn_module_kernel").message()).contains("odd");
    assertThat(find(problems, "seed").line()).isEqualTo(5);
    assertThat(find(problems, "seed").message()).isEqualTo("duplicate key");
  }

  @Test
  void malformedYamlIsOneProblemWithItsLine() {
    List<RecipeProblem> problems = Recipe.validate(FILE, "model: 3m\nencoder_conf:\n  num_blocks: [1, 2\nseed: 3\n");
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).message()).startsWith("invalid YAML");
    assertThat(problems.get(0).line()).isGreaterThanOrEqualTo(3);
    assertThat(Recipe.validate(FILE, "")).extracting(RecipeProblem::message).containsExactly("recipe is empty");
    assertThat(Recipe.validate(FILE, "- a\n- b\n")).hasSize(1);
  }

  private static RecipeProblem find(List<RecipeProblem> problems, String field) {
    return problems.stream().filter(p -> p.field().equals(field)).findFirst().orElseThrow(() -> new AssertionError(
        "no problem for " + field + " in " + problems));
  }
}
