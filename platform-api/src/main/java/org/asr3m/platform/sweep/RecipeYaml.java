package org.asr3m.platform.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A recipe's YAML as a tree in which a sweep sets scalar values by dotted path
 * ({@code moe_conf.num_experts}). Comments are not kept: the stored recipe of each point is the
 * resolved one that its run trains with.
 */
final class RecipeYaml {
  private RecipeYaml() {}

  /** Parses YAML text into a mutable mapping; {@code where} names the input in errors. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String where, String text) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (MarkedYAMLException e) {
      throw new RecipePathException(where, e.getProblemMark() == null ? null : e.getProblemMark().getLine() + 1,
          "invalid YAML: " + e.getProblem());
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new RecipePathException(where, null, root == null ? "recipe is empty" : "recipe must be a mapping of keys to values");
    }
    return deepCopy((Map<String, Object>) m);
  }

  /** Sets {@code path} (dotted) to a scalar, creating missing sections; the old value must not be a section or list. */
  @SuppressWarnings("unchecked")
  static void set(Map<String, Object> root, String path, Object value) {
    String[] keys = path.split("\\.", -1);
    Map<String, Object> node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      Object child = node.get(keys[i]);
      if (child == null) {
        child = new LinkedHashMap<String, Object>();
        node.put(keys[i], child);
      } else if (!(child instanceof Map)) {
        throw new RecipePathException(path, null, String.join(".", List.of(keys).subList(0, i + 1))
            + " is a single value, not a section");
      }
      node = (Map<String, Object>) child;
    }
    Object old = node.get(keys[keys.length - 1]);
    if (old instanceof Map || old instanceof List) {
      throw new RecipePathException(path, null, "is a " + (old instanceof Map ? "section" : "list")
          + " in the recipe; only single values can be varied (use variants for whole sections)");
    }
    node.put(keys[keys.length - 1], value);
  }

  /** A dotted path of plain keys: no empty segments. */
  static boolean validPath(String path) {
    if (path == null || path.isBlank()) {
      return false;
    }
    for (String k : path.split("\\.", -1)) {
      if (k.isBlank() || !k.equals(k.strip())) {
        return false;
      }
    }
    return true;
  }

  static String dump(Map<String, Object> root) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    return new Yaml(new Representer(o), o).dump(root);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> c ? deepCopy((Map<String, Object>) c) : v));
    return out;
  }

  /** A path or YAML problem, turned into a field error by the caller. */
  static final class RecipePathException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final Integer line;

    RecipePathException(String where, Integer line, String message) {
      super(message);
      this.where = where;
      this.line = line;
    }

    String where() {
      return where;
    }

    Integer line() {
      return line;
    }
  }
}
