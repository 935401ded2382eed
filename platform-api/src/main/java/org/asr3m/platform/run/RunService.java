package org.asr3m.platform.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.platform.dataset.Dataset;
import org.asr3m.platform.dataset.DatasetService;
import org.asr3m.platform.experiment.ExperimentRepository;
import org.asr3m.platform.experiment.Page;
import org.asr3m.platform.experiment.RecipeDocument;
import org.asr3m.platform.web.ConflictException;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunRepository.NewRun;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Launches, cancels, resumes and clones runs. A run is a row the workers claim; the API never
 * executes anything. An experiment has at most one active (QUEUED or RUNNING) run: the database's
 * unique active_experiment_id decides, so concurrent launches yield exactly one run and 409s.
 */
@Service
public class RunService {
  private static final Set<String> RESUMABLE = Set.of("FAILED", "CANCELLED");
  private final RunRepository runs;
  private final RunQueries queries;
  private final ExperimentRepository experiments;
  private final DatasetService datasets;
  private final TransactionTemplate tx;

  public RunService(RunRepository runs, RunQueries queries, ExperimentRepository experiments, DatasetService datasets,
      PlatformTransactionManager txm) {
    this.runs = runs;
    this.queries = queries;
    this.experiments = experiments;
    this.datasets = datasets;
    this.tx = new TransactionTemplate(txm);
  }

  /** Queues a run of experiment {@code experimentId}: its recipe on its data sets. */
  public RunDetail launch(long experimentId, Integer maxEpochs, Long maxSteps) {
    var e = experiments.find(experimentId).orElseThrow(() -> new NotFoundException("experiment", experimentId));
    if (e.archived()) {
      throw new ConflictException("experiment " + experimentId + " is archived; it launches no runs");
    }
    List<String> names = new java.util.ArrayList<>(List.of(e.trainSet(), e.devSet()));
    names.addAll(e.testSets());
    Map<String, Dataset> found = datasets.byName(names);
    List<FieldError> missing = names.stream().filter(n -> !found.containsKey(n))
        .map(n -> new FieldError("dataSets", null, "data set '" + n + "' is not registered")).toList();
    if (!missing.isEmpty()) {
      throw new ValidationException("the experiment's data sets are missing", missing);
    }
    Map<String, String> test = new LinkedHashMap<>();
    e.testSets().forEach(t -> test.put(t, found.get(t).location()));
    var facts = RecipeDocument.facts(e.recipe());
    NewRun run = new NewRun(e.name(), e.recipe(), facts.modelType(), facts.numExperts(), facts.seed(),
        found.get(e.trainSet()).location(), found.get(e.devSet()).location(), test, limits(maxEpochs, "maxEpochs"),
        maxSteps == null ? 0 : limit(maxSteps, "maxSteps"), experimentId);
    return detail(insert(run));
  }

  /** Asks a run to stop: a QUEUED run is CANCELLED at once, a RUNNING one when its worker reaches the next batch. */
  public RunDetail cancel(long runId) {
    statusOf(runId);
    if (!queries.cancelQueued(runId) && !queries.requestCancel(runId)) {
      throw new ConflictException("run " + runId + " is " + queries.status(runId) + ": there is nothing to cancel");
    }
    return detail(runId);
  }

  /** Queues a FAILED or CANCELLED run again; its completed stages are not redone. */
  public RunDetail resume(long runId) {
    RunDetail r = detail(runId);
    if (!RESUMABLE.contains(r.status())) {
      throw new ConflictException("run " + runId + " is " + r.status() + "; only FAILED or CANCELLED runs can be resumed");
    }
    try {
      tx.executeWithoutResult(s -> {
        if (r.experimentId() != null) {
          queries.occupy(runId, r.experimentId());
        }
        runs.requeue(runId);
      });
    } catch (DataIntegrityViolationException ex) {
      throw conflict(r.experimentId());
    }
    return detail(runId);
  }

  /**
   * A new run of {@code runId}'s recipe with {@code set} applied (dotted key paths), re-validated;
   * in the same experiment (one active run rule applies) or on its own.
   */
  public RunDetail cloneRun(long runId, Map<String, Object> set, boolean sameExperiment, String name, Integer maxEpochs,
      Long maxSteps) {
    RunDetail r = detail(runId);
    String yaml = set == null || set.isEmpty() ? r.recipe() : RecipeDocument.set(r.recipe(), set);
    List<FieldError> problems = RecipeDocument.problems(yaml);
    if (!problems.isEmpty()) {
      throw new ValidationException("the edited recipe has " + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s"), problems);
    }
    var facts = RecipeDocument.facts(yaml);
    String label = name != null && !name.isBlank() ? name.strip()
        : r.name() + (set == null || set.isEmpty() ? " (clone)" : " " + set);
    NewRun run = new NewRun(label.length() > 200 ? label.substring(0, 200) : label, yaml, facts.modelType(),
        facts.numExperts(), facts.seed(), r.trainData(), r.devData(), r.testData(),
        maxEpochs == null ? r.maxEpochs() : limits(maxEpochs, "maxEpochs"),
        maxSteps == null ? r.maxSteps() : limit(maxSteps, "maxSteps"), sameExperiment ? r.experimentId() : null);
    return detail(insert(run));
  }

  public RunDetail detail(long runId) {
    return queries.detail(runId).orElseThrow(() -> new NotFoundException("run", runId));
  }

  public Page<RunSummary> list(RunQueries.Filter f, int page, int size) {
    return new Page<>(queries.list(f, page, size), page, size, queries.count(f));
  }

  private long insert(NewRun run) {
    try {
      return tx.execute(s -> {
        long id = runs.insert(run);
        if (run.experimentId() != null) {
          queries.occupy(id, run.experimentId());
        }
        return id;
      });
    } catch (DataIntegrityViolationException ex) {
      throw conflict(run.experimentId());
    }
  }

  private ActiveRunConflictException conflict(long experimentId) {
    var a = queries.active(experimentId);
    return new ActiveRunConflictException(experimentId, a.map(RunQueries.Active::runId).orElse(null),
        a.map(RunQueries.Active::status).orElse(null));
  }

  private String statusOf(long runId) {
    String s = queries.status(runId);
    if (s == null) {
      throw new NotFoundException("run", runId);
    }
    return s;
  }

  private static int limits(Integer v, String field) {
    return v == null ? 0 : (int) limit(v, field);
  }

  private static long limit(long v, String field) {
    if (v < 0) {
      throw new ValidationException("invalid " + field, List.of(new FieldError(field, null,
          "must be 0 (the recipe's own) or positive, got " + v)));
    }
    return v;
  }
}
