package org.asr3m.platform.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.io.InputException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.asr3m.recipe.Recipe;
import org.asr3m.recipe.RecipeProblem;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A recipe as the API handles it: YAML text (or a JSON object with the same WeNet keys, turned into
 * YAML), validated by model-core's {@link Recipe#validate} with every problem listed as a field
 * {@code recipe.<key path>} with its line, and edited by dotted key paths for clones and sweeps.
 */
public final class RecipeDocument {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** The name recipe problems are reported against. */
  private static final Path SOURCE = Path.of("recipe.yaml");

  private RecipeDocument() {}

  /** What the runs table records about a recipe. */
  public record Facts(String modelType, Integer numExperts, long seed) {}

  /** YAML text of a recipe given as a JSON string (YAML) or a JSON object; null when absent. */
  public static String yaml(JsonNode recipe) {
    if (recipe == null || recipe.isNull() || recipe.isMissingNode()) {
      return null;
    }
    if (recipe.isString()) {
      return recipe.asString();
    }
    if (!recipe.isObject()) {
      throw new ValidationException("invalid recipe", List.of(new FieldError("recipe", null,
          "must be YAML text or a JSON object of recipe keys, got " + recipe.getNodeType())));
    }
    Map<String, Object> map = JSON.convertValue(recipe, new TypeReference<LinkedHashMap<String, Object>>() {});
    return dump(map);
  }

  /** Every problem of the recipe, as {@code recipe.<path>} fields with lines; empty when valid. */
  public static List<FieldError> problems(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return List.of(new FieldError("recipe", null, "required: the recipe as YAML text or a JSON object"));
    }
    List<FieldError> out = new ArrayList<>();
    for (RecipeProblem p : Recipe.validate(SOURCE, yaml)) {
      out.add(new FieldError(p.field().isEmpty() ? "recipe" : "recipe." + p.field(), p.line() > 0 ? p.line() : null,
          p.message()));
    }
    return out;
  }

  /** Model type, experts and seed of a valid recipe. */
  public static Facts facts(String yaml) {
    try {
      Recipe r = Recipe.fromYaml(SOURCE, yaml);
      return new Facts(r.modelType(), r.moe() == null ? null : r.moe().numExperts(), r.train().seed());
    } catch (InputException e) {
      throw new ValidationException("invalid recipe", List.of(new FieldError("recipe", e.line() > 0 ? e.line() : null,
          e.getMessage())));
    }
  }

  /**
   * The recipe with {@code edits} applied ({@code moe_conf.num_experts → 8}); missing sections are
   * created. Comments of the original are not kept (the result is re-serialised YAML).
   */
  public static String set(String yaml, Map<String, Object> edits) {
    Map<String, Object> root;
    try {
      Object loaded = new Yaml(new LoaderOptions()).load(yaml);
      if (!(loaded instanceof Map)) {
        throw new ValidationException("invalid recipe", List.of(new FieldError("recipe", null, "is not a mapping")));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) loaded;
      root = m;
    } catch (YAMLException e) {
      throw new ValidationException("invalid recipe", List.of(new FieldError("recipe", null, e.getMessage())));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, Object> e : edits.entrySet()) {
      String[] parts = e.getKey().split("\\.");
      Map<String, Object> node = root;
      boolean ok = !e.getKey().isBlank();
      for (int i = 0; ok && i < parts.length - 1; i++) {
        Object child = node.get(parts[i]);
        if (child == null) {
          child = new LinkedHashMap<String, Object>();
          node.put(parts[i], child);
        }
        if (!(child instanceof Map)) {
          errors.add(new FieldError("set." + e.getKey(), null, parts[i] + " is a single value in the recipe, not a section"));
          ok = false;
          break;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> next = (Map<String, Object>) child;
        node = next;
      }
      if (ok) {
        node.put(parts[parts.length - 1], e.getValue());
      } else if (e.getKey().isBlank()) {
        errors.add(new FieldError("set", null, "a key path must not be empty"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException("invalid edits", errors);
    }
    return dump(root);
  }

  private static String dump(Map<String, Object> map) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    return new Yaml(o).dump(map);
  }
}
