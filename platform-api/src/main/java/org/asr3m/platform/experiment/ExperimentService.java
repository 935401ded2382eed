package org.asr3m.platform.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.platform.dataset.DatasetService;
import org.asr3m.platform.run.ResultRow;
import org.asr3m.platform.run.RunQueries;
import org.asr3m.platform.run.RunSummary;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** Creates (after full validation), lists, updates and archives experiments. */
@Service
public class ExperimentService {
  static final Set<String> FIELDS = Set.of("name", "description", "tags", "recipe", "trainSet", "devSet", "testSets",
      "launch");
  private final ExperimentRepository repo;
  private final DatasetService datasets;
  private final RunQueries runs;

  public ExperimentService(ExperimentRepository repo, DatasetService datasets, RunQueries runs) {
    this.repo = repo;
    this.datasets = datasets;
    this.runs = runs;
  }

  /** A validated new experiment, ready to insert. */
  record Draft(String name, String description, List<String> tags, String recipe, String trainSet, String devSet,
      List<String> testSets) {}

  /** Validates a create request completely: every problem of every field and of the recipe, at once. */
  Draft validate(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw new ValidationException("the body must be a JSON object", List.of(new FieldError("", null,
          "expected a JSON object with " + String.join(", ", FIELDS))));
    }
    for (String f : body.propertyNames()) {
      if (!FIELDS.contains(f)) {
        errors.add(new FieldError(f, null, "unknown field (known: name, description, tags, recipe, trainSet, devSet,"
            + " testSets, launch)"));
      }
    }
    String name = text(body, "name", errors);
    if (name == null || name.isBlank()) {
      errors.add(new FieldError("name", null, "required"));
    } else if (name.length() > 200) {
      errors.add(new FieldError("name", null, "at most 200 characters"));
    }
    String description = text(body, "description", errors);
    List<String> tags = tags(body.get("tags"), errors);
    String yaml = null;
    try {
      yaml = RecipeDocument.yaml(body.get("recipe"));
    } catch (ValidationException e) {
      errors.addAll(e.errors());
    }
    if (yaml != null || body.get("recipe") == null || body.get("recipe").isNull()) {
      errors.addAll(RecipeDocument.problems(yaml));
    }
    String train = text(body, "trainSet", errors);
    String dev = text(body, "devSet", errors);
    List<String> tests = strings(body.get("testSets"), "testSets", errors);
    if (train == null || train.isBlank()) {
      errors.add(new FieldError("trainSet", null, "required: the name of a registered data set"));
    }
    if (dev == null || dev.isBlank()) {
      errors.add(new FieldError("devSet", null, "required: the name of a registered data set"));
    }
    List<String> named = new ArrayList<>();
    if (train != null && !train.isBlank()) {
      named.add(train);
    }
    if (dev != null && !dev.isBlank()) {
      named.add(dev);
    }
    named.addAll(tests);
    var found = datasets.byName(named);
    if (train != null && !train.isBlank() && !found.containsKey(train)) {
      errors.add(new FieldError("trainSet", null, "data set '" + train + "' is not registered"));
    }
    if (dev != null && !dev.isBlank() && !found.containsKey(dev)) {
      errors.add(new FieldError("devSet", null, "data set '" + dev + "' is not registered"));
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < tests.size(); i++) {
      if (!found.containsKey(tests.get(i))) {
        errors.add(new FieldError("testSets[" + i + "]", null, "data set '" + tests.get(i) + "' is not registered"));
      } else if (!seen.add(tests.get(i))) {
        errors.add(new FieldError("testSets[" + i + "]", null, "'" + tests.get(i) + "' is listed twice"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException("the experiment has " + errors.size() + " problem" + (errors.size() == 1 ? "" : "s"),
          errors);
    }
    return new Draft(name.strip(), description, tags, yaml, train, dev, tests);
  }

  long create(Draft d) {
    var facts = RecipeDocument.facts(d.recipe());
    return repo.insert(d.name(), d.description(), d.tags(), facts.modelType(), facts.numExperts(), d.recipe(),
        d.trainSet(), d.devSet(), d.testSets());
  }

  public Experiment get(long id) {
    var row = repo.find(id).orElseThrow(() -> new NotFoundException("experiment", id));
    List<RunSummary> list = runs.byExperiment(List.of(id)).getOrDefault(id, List.of());
    Map<String, Experiment.BestCer> best = best(list);
    return view(row, list, best, true);
  }

  Page<Experiment> list(ExperimentRepository.Filter f, int page, int size) {
    List<ExperimentRepository.Row> rows = repo.list(f, page, size);
    Map<Long, List<RunSummary>> byExp = runs.byExperiment(rows.stream().map(ExperimentRepository.Row::id).toList());
    List<Experiment> items = rows.stream().map(r -> {
      List<RunSummary> rs = byExp.getOrDefault(r.id(), List.of());
      return view(r, rs, best(rs), false);
    }).toList();
    return new Page<>(items, page, size, repo.count(f));
  }

  Experiment update(long id, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw new ValidationException("the body must be a JSON object", List.of(new FieldError("", null,
          "expected {\"tags\": [...], \"description\": \"...\"}")));
    }
    for (String f : body.propertyNames()) {
      if (!f.equals("tags") && !f.equals("description")) {
        errors.add(new FieldError(f, null, "unknown or read-only field (tags and description can be changed)"));
      }
    }
    List<String> tags = body.has("tags") ? tags(body.get("tags"), errors) : null;
    String description = text(body, "description", errors);
    if (!errors.isEmpty()) {
      throw new ValidationException("invalid update", errors);
    }
    if (!repo.update(id, tags, description)) {
      throw new NotFoundException("experiment", id);
    }
    return get(id);
  }

  Experiment archive(long id, boolean archived) {
    if (!repo.archive(id, archived)) {
      throw new NotFoundException("experiment", id);
    }
    return get(id);
  }

  private Map<String, Experiment.BestCer> best(List<RunSummary> list) {
    Map<String, Experiment.BestCer> best = new LinkedHashMap<>();
    Map<Long, List<ResultRow>> results = runs.results(list.stream().map(RunSummary::id).toList());
    results.forEach((runId, rows) -> rows.forEach(r -> best.merge(r.testSet(),
        new Experiment.BestCer(r.cer(), r.mode(), runId), (a, b) -> b.cer() < a.cer() ? b : a)));
    return best;
  }

  private static Experiment view(ExperimentRepository.Row r, List<RunSummary> runs, Map<String, Experiment.BestCer> best,
      boolean full) {
    return new Experiment(r.id(), r.name(), r.description(), r.tags(), r.modelType(), r.numExperts(), r.trainSet(),
        r.devSet(), r.testSets(), r.archived(), r.createdAt(), r.updatedAt(), runs.size(),
        runs.isEmpty() ? null : runs.get(0), best, full ? r.recipe() : null, full ? runs : null);
  }

  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      errors.add(new FieldError(field, null, "must be a string, got " + n.getNodeType()));
      return null;
    }
    return n.asString();
  }

  private static List<String> strings(JsonNode n, String field, List<FieldError> errors) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      errors.add(new FieldError(field, null, "must be a list of strings"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isString() || n.get(i).asString().isBlank()) {
        errors.add(new FieldError(field + "[" + i + "]", null, "must be a non-empty string"));
      } else {
        out.add(n.get(i).asString().strip());
      }
    }
    return out;
  }

  private static List<String> tags(JsonNode n, List<FieldError> errors) {
    List<String> tags = strings(n, "tags", errors);
    for (int i = 0; i < tags.size(); i++) {
      String t = tags.get(i);
      if (t.contains(",") || t.length() > 50) {
        errors.add(new FieldError("tags[" + i + "]", null, "a tag has no commas and at most 50 characters"));
      }
    }
    return tags.stream().distinct().toList();
  }
}
