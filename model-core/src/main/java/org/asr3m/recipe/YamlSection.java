package org.asr3m.recipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.io.InputException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping with its source positions, read key by key with type and range checks. Every
 * error names the file, the line and the dotted field path ({@code encoder_conf.num_blocks}).
 * {@link #finish()} rejects keys nobody asked for, so a typo is an error, not a silently ignored
 * setting.
 */
public final class YamlSection {
  private final Path file;
  private final String path;
  private final int line;
  private final Map<String, Node> entries = new LinkedHashMap<>();
  private final Set<String> used = new LinkedHashSet<>();

  YamlSection(Path file, String path, Node node) {
    this.file = file;
    this.path = path;
    this.line = node == null ? 0 : node.getStartMark().getLine() + 1;
    if (node == null) {
      return;
    }
    if (!(node instanceof MappingNode map)) {
      throw error(node, "must be a mapping of keys to values");
    }
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw error(t.getKeyNode(), "keys must be plain names");
      }
      if (entries.put(k.getValue(), t.getValueNode()) != null) {
        throw new RecipeFieldException(file, k.getStartMark().getLine() + 1, field(k.getValue()), "duplicate key");
      }
    }
  }

  public boolean has(String key) {
    return entries.containsKey(key) && !isNull(entries.get(key));
  }

  public YamlSection section(String key) {
    used.add(key);
    Node n = entries.get(key);
    return new YamlSection(file, field(key), n == null || isNull(n) ? null : n);
  }

  public int integer(String key, int def, int min, int max) {
    String v = scalar(key);
    if (v == null) {
      return def;
    }
    int x;
    try {
      x = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw error(entries.get(key), key, "must be an integer, got '" + v + "'");
    }
    if (x < min || x > max) {
      throw error(entries.get(key), key, "must be between " + min + " and " + max + ", got " + x);
    }
    return x;
  }

  public float number(String key, double def, double min, double max) {
    String v = scalar(key);
    if (v == null) {
      return (float) def;
    }
    double x;
    try {
      x = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw error(entries.get(key), key, "must be a number, got '" + v + "'");
    }
    if (!(x >= min && x <= max)) {
      throw error(entries.get(key), key, "must be between " + min + " and " + max + ", got " + v);
    }
    return (float) x;
  }

  public boolean bool(String key, boolean def) {
    String v = scalar(key);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(entries.get(key), key, "must be true or false, got '" + v + "'");
    };
  }

  public String choice(String key, String def, String... allowed) {
    String v = scalar(key);
    if (v == null) {
      return def;
    }
    for (String a : allowed) {
      if (a.equals(v.trim())) {
        return a;
      }
    }
    throw error(entries.get(key), key, "must be one of " + String.join(", ", allowed) + "; got '" + v + "'");
  }

  /** A plain string value, or {@code def} when the key is absent. */
  public String text(String key, String def) {
    String v = scalar(key);
    return v == null ? def : v.trim();
  }

  public int[] integers(String key, int[] def) {
    used.add(key);
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return def;
    }
    if (!(n instanceof SequenceNode seq)) {
      throw error(n, key, "must be a list of integers");
    }
    List<Integer> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      try {
        out.add(Integer.parseInt(((ScalarNode) item).getValue().trim()));
      } catch (RuntimeException e) {
        throw error(item, key, "must be a list of integers");
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A list of distinct names out of {@code allowed} ({@code [a, b]}, or one name on its own); an
   * empty list, an unknown name or a repeated one is an error naming the item's line.
   */
  public List<String> choices(String key, List<String> def, String... allowed) {
    used.add(key);
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return def;
    }
    List<Node> items = n instanceof SequenceNode seq ? seq.getValue() : List.of(n);
    if (items.isEmpty()) {
      throw error(n, key, "must list at least one of " + String.join(", ", allowed));
    }
    List<String> out = new ArrayList<>();
    for (Node item : items) {
      String v = item instanceof ScalarNode s ? s.getValue().trim() : null;
      if (v == null || !List.of(allowed).contains(v)) {
        throw error(item, key, "must be one or a list of " + String.join(", ", allowed) + "; got "
            + (v == null ? "a nested value" : "'" + v + "'"));
      }
      if (out.contains(v)) {
        throw error(item, key, "lists '" + v + "' twice");
      }
      out.add(v);
    }
    return List.copyOf(out);
  }

  /** Rejects keys that were present but never read. */
  public void finish() {
    for (Map.Entry<String, Node> e : entries.entrySet()) {
      if (!used.contains(e.getKey())) {
        throw new RecipeFieldException(file, e.getValue().getStartMark().getLine() + 1, field(e.getKey()),
            "unknown key (known here: " + String.join(", ", used) + ")");
      }
    }
  }

  /** Error about this section as a whole. */
  public InputException error(String message) {
    return new RecipeFieldException(file, line, path, message);
  }

  /** Error about one key of this section. */
  public InputException error(String key, String message) {
    Node n = entries.get(key);
    return n == null ? error(field(key) + " " + message) : error(n, key, message);
  }

  private String scalar(String key) {
    used.add(key);
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return null;
    }
    if (!(n instanceof ScalarNode s)) {
      throw error(n, key, "must be a single value");
    }
    return s.getValue();
  }

  private InputException error(Node n, String message) {
    return new RecipeFieldException(file, n.getStartMark().getLine() + 1, path, message);
  }

  private InputException error(Node n, String key, String message) {
    return new RecipeFieldException(file, n.getStartMark().getLine() + 1, field(key), message);
  }

  private String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && n.getTag().getValue().endsWith(":null");
  }
}
