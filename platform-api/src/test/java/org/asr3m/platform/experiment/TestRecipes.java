package org.asr3m.platform.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Recipes and experiment bodies for the API tests (tiny shapes; most tests never train them). */
public final class TestRecipes {
  private TestRecipes() {}

  public static final String TINY_MOE = """
      model: conformer_moe
      encoder_conf: {output_size: 32, attention_heads: 2, linear_units: 64, num_blocks: 2, cnn_module_kernel: 5}
      decoder_conf: {attention_heads: 2, linear_units: 64, num_blocks: 1}
      moe_conf: {num_experts: 4, top_k: 1}
      optim_conf: {lr: 0.002}
      max_epoch: 1
      seed: 7
      """;

  public static Map<String, Object> experiment(String name, String recipe, String... tags) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("description", "test experiment " + name);
    m.put("tags", List.of(tags));
    m.put("recipe", recipe);
    m.put("trainSet", "tiny-cmn/train");
    m.put("devSet", "tiny-cmn/dev");
    m.put("testSets", List.of("tiny-cmn/test"));
    return m;
  }
}
