package org.asr3m.recipe;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.io.InputException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Lists every problem of a recipe at once (for an editor or an API), where {@link Recipe#fromYaml}
 * stops at the first: after each problem the offending key is dropped from the YAML tree (so its
 * default applies) and the recipe is read again, until it reads cleanly. Reading is the same code
 * as {@code fromYaml}, so the two can never disagree about what is valid.
 */
final class RecipeValidator {
  /** More problems than this in one recipe are not worth listing one by one. */
  private static final int MAX_PROBLEMS = 200;

  private RecipeValidator() {}

  static List<RecipeProblem> validate(Path file, String text) {
    Node root;
    try (StringReader r = new StringReader(text == null ? "" : text)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (MarkedYAMLException e) {
      return List.of(new RecipeProblem("", e.getProblemMark().getLine() + 1, "invalid YAML: " + e.getProblem()));
    } catch (RuntimeException e) {
      return List.of(new RecipeProblem("", 0, "invalid YAML: " + e.getMessage()));
    }
    if (root == null) {
      return List.of(new RecipeProblem("", 0, "recipe is empty"));
    }
    List<RecipeProblem> problems = new ArrayList<>();
    while (problems.size() < MAX_PROBLEMS) {
      try {
        Recipe.parse(file, new YamlSection(file, "", root));
        return problems;
      } catch (RecipeFieldException e) {
        problems.add(new RecipeProblem(e.field(), e.line(), e.problem()));
        if (!remove(root, e.field(), e.line())) {
          return problems; // nothing left to drop (a whole-recipe problem): stop here
        }
      } catch (InputException e) {
        problems.add(new RecipeProblem("", e.line(), e.getMessage()));
        return problems;
      }
    }
    return problems;
  }

  /** Drops the key at dotted {@code field} (the one on {@code line} when the key is duplicated). */
  private static boolean remove(Node root, String field, int line) {
    if (field.isEmpty()) {
      return false;
    }
    String[] parts = field.split("\\.");
    Node node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i]);
      if (node == null) {
        return false;
      }
    }
    if (!(node instanceof MappingNode map)) {
      return false;
    }
    String key = parts[parts.length - 1];
    List<NodeTuple> tuples = new ArrayList<>(map.getValue());
    NodeTuple victim = null;
    for (NodeTuple t : tuples) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        if (victim == null || k.getStartMark().getLine() + 1 == line) {
          victim = t;
        }
      }
    }
    if (victim == null) {
      return false;
    }
    tuples.remove(victim);
    map.setValue(tuples);
    return true;
  }

  private static Node child(Node node, String key) {
    if (!(node instanceof MappingNode map)) {
      return null;
    }
    Node found = null;
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        found = t.getValueNode();
      }
    }
    return found;
  }
}
