package org.asr3m.recipe;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A command-line switch written into the recipe text (e.g. {@code asr3m train --use-amp}), so the
 * recipe stored in every checkpoint says how the run was trained and a resumed run reads it back.
 * Only the value is replaced (or one line appended): the user's comments and layout stay as written.
 */
public final class RecipeOverride {
  private RecipeOverride() {}

  /**
   * The recipe text with top-level {@code key} set to the plain scalar {@code value}.
   *
   * @param file where the text came from (named by errors)
   */
  public static String set(Path file, String text, String key, String value) {
    MappingNode root = root(file, text);
    String out = null;
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode)) {
          throw new InputException(file, v.getStartMark().getLine() + 1, key + " must be a single value");
        }
        out = splice(text, v.getStartMark().getIndex(), v.getEndMark().getIndex(), value);
        break;
      }
    }
    if (out == null && root.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
      int at = root.getStartMark().getIndex() + 1; // just after '{'
      out = splice(text, at, at, key + ": " + value + (root.getValue().isEmpty() ? "" : ", "));
    } else if (out == null) {
      out = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + key + ": " + value + "\n";
    }
    // a text this cannot edit (e.g. one ending in a document marker) is refused rather than stored wrong
    if (!holds(out, key, value)) {
      throw new InputException(file, "cannot set " + key + ": " + value + " in this recipe's text; set it in the file");
    }
    return out;
  }

  private static boolean holds(String text, String key, String value) {
    try {
      for (NodeTuple t : root(null, text).getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
            && t.getValueNode() instanceof ScalarNode s && s.getValue().equals(value)) {
          return true;
        }
      }
    } catch (InputException e) {
      return false;
    }
    return false;
  }

  /** Replaces code points [from, to) (SnakeYAML's marks count code points, not chars). */
  private static String splice(String text, int from, int to, String with) {
    int a = text.offsetByCodePoints(0, from);
    int b = text.offsetByCodePoints(0, to);
    return text.substring(0, a) + with + text.substring(b);
  }

  private static MappingNode root(Path file, String text) {
    Node root;
    try (Reader r = new StringReader(text)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (MarkedYAMLException e) {
      throw new InputException(file, e.getProblemMark().getLine() + 1, "invalid YAML: " + e.getProblem());
    } catch (IOException e) {
      throw new InputException(file, 0, e.getMessage(), e);
    }
    if (!(root instanceof MappingNode m)) {
      throw new InputException(file, "recipe must be a mapping of keys to values");
    }
    return m;
  }
}
