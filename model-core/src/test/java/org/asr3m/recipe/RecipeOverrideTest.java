package org.asr3m.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;

/** A command-line switch written into the recipe text: the value replaced or one line added, the rest as written. */
class RecipeOverrideTest {
  private static final Path FILE = Path.of("r.yaml");

  private static boolean amp(String text) {
    return Recipe.fromYaml(FILE, text).train().useAmp();
  }

  @Test
  void replacesTheValueAndKeepsCommentsAndLayout() {
    String text = """
        # 训练 recipe ✓ 𝄞 (a non-BMP character before the value)
        encoder_conf: {output_size: 16, attention_heads: 2}
        use_amp: false   # fp16 off
        seed: 3
        """;
    String on = RecipeOverride.set(FILE, text, "use_amp", "true");
    assertThat(amp(on)).isTrue();
    assertThat(on).isEqualTo(text.replace("use_amp: false", "use_amp: true"));
    assertThat(RecipeOverride.set(FILE, "use_amp: 'true'\n", "use_amp", "false")).isEqualTo("use_amp: false\n");
  }

  @Test
  void addsTheKeyWhenTheRecipeHasNone() {
    String text = "seed: 3\ndataset_conf:\n  shuffle: false";
    String on = RecipeOverride.set(FILE, text, "use_amp", "true");
    assertThat(on).isEqualTo(text + "\nuse_amp: true\n");
    assertThat(amp(on)).isTrue();
    assertThat(Recipe.fromYaml(FILE, on).data().shuffle()).isFalse();
    String flow = RecipeOverride.set(FILE, "{seed: 3}", "use_amp", "true");
    assertThat(flow).isEqualTo("{use_amp: true, seed: 3}");
    assertThat(amp(flow)).isTrue();
  }

  @Test
  void aTextItCannotEditIsRefusedWithTheFileNamed() {
    assertThatThrownBy(() -> RecipeOverride.set(FILE, "use_amp: [true]\n", "use_amp", "false"))
        .isInstanceOf(InputException.class).hasMessageContaining("r.yaml:1: use_amp must be a single value");
    assertThatThrownBy(() -> RecipeOverride.set(FILE, "seed: 3\n...\n", "use_amp", "true"))
        .isInstanceOf(InputException.class).hasMessageContaining("cannot set use_amp: true");
    assertThatThrownBy(() -> RecipeOverride.set(FILE, "- a\n", "use_amp", "true"))
        .isInstanceOf(InputException.class).hasMessageContaining("must be a mapping");
  }
}
