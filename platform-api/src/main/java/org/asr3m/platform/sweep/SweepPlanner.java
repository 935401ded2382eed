package org.asr3m.platform.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.io.InputException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.asr3m.recipe.Recipe;

/**
 * Expands a sweep into its points: every variant (or the base recipe alone) × the cartesian
 * product of the grid, last grid key varying fastest. Each point's recipe is resolved and fully
 * validated here, so a sweep with one bad point is rejected as a whole, every error listed.
 */
final class SweepPlanner {
  /** More points than this is almost certainly a mistake in the grid. */
  static final int MAX_POINTS = 1000;

  private SweepPlanner() {}

  /** One point: its resolved recipe and what the runs table records about it. */
  record PlannedPoint(int ordinal, String label, String variant, Map<String, Object> overrides, String recipe,
      String modelType, Integer numExperts, long seed) {}

  /** Plans the points, adding every problem to {@code errors} (an empty list is returned when there are any). */
  static List<PlannedPoint> plan(SweepRequest r, List<FieldError> errors) {
    Map<String, List<Object>> grid = r.grid() == null ? Map.of() : r.grid();
    int before = errors.size();
    long combos = 1;
    for (var e : grid.entrySet()) {
      String field = "grid." + e.getKey();
      if (!RecipeYaml.validPath(e.getKey())) {
        errors.add(new FieldError(field, null, "not a recipe path (dotted keys, e.g. moe_conf.num_experts)"));
      }
      if (e.getValue() == null || e.getValue().isEmpty()) {
        errors.add(new FieldError(field, null, "needs a non-empty list of values"));
        continue;
      }
      if (new HashSet<>(e.getValue()).size() != e.getValue().size()) {
        errors.add(new FieldError(field, null, "lists a value twice"));
      }
      for (Object v : e.getValue()) {
        if (!scalar(v)) {
          errors.add(new FieldError(field, null, "values must be numbers, strings or booleans, got " + v));
        }
      }
      combos *= e.getValue().size();
    }
    List<SweepRequest.Variant> variants = r.variants() == null || r.variants().isEmpty()
        ? java.util.Collections.singletonList(null) : r.variants();
    boolean hasBase = r.recipe() != null && !r.recipe().isBlank();
    if (!hasBase && (r.variants() == null || r.variants().isEmpty())) {
      errors.add(new FieldError("recipe", null, "a sweep needs a base recipe or a list of variants"));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < variants.size(); i++) {
      SweepRequest.Variant v = variants.get(i);
      if (v == null) {
        continue;
      }
      String field = "variants[" + i + "]";
      if (v.name() == null || v.name().isBlank()) {
        errors.add(new FieldError(field + ".name", null, "a variant needs a name"));
      } else if (!names.add(v.name())) {
        errors.add(new FieldError(field + ".name", null, "variant '" + v.name() + "' is named twice"));
      }
      if ((v.recipe() == null || v.recipe().isBlank()) && !hasBase) {
        errors.add(new FieldError(field + ".recipe", null, "no recipe and the sweep has no base recipe"));
      }
      if (v.set() != null) {
        v.set().forEach((path, value) -> {
          if (!RecipeYaml.validPath(path)) {
            errors.add(new FieldError(field + ".set." + path, null, "not a recipe path"));
          } else if (!scalar(value)) {
            errors.add(new FieldError(field + ".set." + path, null, "must be a number, string or boolean"));
          }
        });
      }
    }
    if (combos * variants.size() > MAX_POINTS) {
      errors.add(new FieldError("grid", null, "the sweep has " + combos * variants.size() + " points; at most "
          + MAX_POINTS + " are allowed"));
    }
    if (errors.size() > before) {
      return List.of();
    }

    List<Map<String, Object>> combinations = cartesian(grid);
    List<PlannedPoint> out = new ArrayList<>();
    for (int vi = 0; vi < variants.size(); vi++) {
      SweepRequest.Variant v = variants.get(vi);
      String baseText = v != null && v.recipe() != null && !v.recipe().isBlank() ? v.recipe() : r.recipe();
      String baseField = v != null && v.recipe() != null && !v.recipe().isBlank() ? "variants[" + vi + "].recipe" : "recipe";
      Map<String, Object> base;
      try {
        base = RecipeYaml.parse(baseField, baseText);
      } catch (RecipeYaml.RecipePathException e) {
        errors.add(new FieldError(baseField, e.line(), e.getMessage()));
        continue;
      }
      for (Map<String, Object> combo : combinations) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (v != null && v.set() != null) {
          overrides.putAll(v.set());
        }
        overrides.putAll(combo);
        String label = label(v, combo);
        String field = "points[" + out.size() + "] (" + label + ")";
        Map<String, Object> tree = RecipeYaml.parse(baseField, baseText);
        boolean ok = true;
        for (var o : overrides.entrySet()) {
          try {
            RecipeYaml.set(tree, o.getKey(), o.getValue());
          } catch (RecipeYaml.RecipePathException e) {
            errors.add(new FieldError(combo.containsKey(o.getKey()) ? "grid." + o.getKey()
                : "variants[" + vi + "].set." + o.getKey(), null, e.getMessage()));
            ok = false;
          }
        }
        if (!ok) {
          out.add(null);
          continue;
        }
        String yaml = RecipeYaml.dump(tree);
        try {
          Recipe recipe = Recipe.fromYaml(Path.of(label.isEmpty() ? "recipe" : label), yaml);
          out.add(new PlannedPoint(out.size(), label, v == null ? null : v.name(), overrides, yaml, recipe.modelType(),
              recipe.moe() == null ? null : recipe.moe().numExperts(), recipe.train().seed()));
        } catch (InputException | IllegalArgumentException e) {
          // the line refers to the resolved recipe; the message names the field path
          errors.add(new FieldError(field, e instanceof InputException ie && ie.line() > 0 ? ie.line() : null,
              e instanceof InputException ie2 && ie2.file() != null
                  ? e.getMessage().substring(e.getMessage().indexOf(": ") + 2) : e.getMessage()));
          out.add(null);
        }
      }
    }
    return errors.size() > before ? List.of() : out;
  }

  /** "3m moe_conf.num_experts=16", "optim_conf.lr=0.001", or "" for a sweep of one point. */
  static String label(SweepRequest.Variant v, Map<String, Object> combo) {
    List<String> parts = new ArrayList<>();
    if (v != null) {
      parts.add(v.name());
    }
    combo.forEach((k, val) -> parts.add(k + "=" + val));
    String label = String.join(" ", parts);
    return label.length() > 1000 ? label.substring(0, 999) + "…" : label; // sweep_points.label is varchar(1000)
  }

  private static List<Map<String, Object>> cartesian(Map<String, List<Object>> grid) {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (var e : grid.entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> partial : out) {
        for (Object v : e.getValue()) {
          Map<String, Object> m = new LinkedHashMap<>(partial);
          m.put(e.getKey(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }

  private static boolean scalar(Object v) {
    return v instanceof Number || v instanceof String || v instanceof Boolean;
  }
}
