package org.asr3m.platform.run;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.experiment.Page;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Runs: launch, inspect, cancel, resume, clone. */
@RestController
@Tag(name = "Runs", description = "Executions of experiments, claimed and executed by workers")
class RunController {
  private final RunService service;

  RunController(RunService service) {
    this.service = service;
  }

  /** Optional limits of a launch. */
  record Launch(@Schema(description = "override of the recipe's max_epoch (0 or absent = the recipe's)") Integer maxEpochs,
      @Schema(description = "stop training after this many updates (0 or absent = no limit)") Long maxSteps,
      @Schema(description = "experiment to launch (POST /api/runs only)") Long experimentId) {}

  /** A clone's edits. */
  record CloneRun(
      @Schema(description = "recipe values to change, by dotted key path",
          example = "{\"moe_conf.num_experts\": 8, \"optim_conf.lr\": 0.001}") Map<String, Object> set,
      @Schema(description = "true: a run of the same experiment (at most one active run per experiment);"
          + " false (default): a run of no experiment") Boolean sameExperiment,
      String name, Integer maxEpochs, Long maxSteps) {}

  @PostMapping("/api/experiments/{id}/runs")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Launch a run of an experiment",
      description = "Queues a run (status QUEUED, five PENDING stages) with the experiment's recipe and data set"
          + " locations; a worker claims it. 409 (activeRunId in the problem) when the experiment already has a"
          + " QUEUED or RUNNING run.")
  RunDetail launch(@PathVariable long id, @RequestBody(required = false) Launch body) {
    return service.launch(id, body == null ? null : body.maxEpochs(), body == null ? null : body.maxSteps());
  }

  @PostMapping("/api/runs")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Launch a run (experimentId in the body)", description = "Same as POST /api/experiments/{id}/runs.")
  RunDetail launchRun(@RequestBody Launch body) {
    if (body == null || body.experimentId() == null) {
      throw new ValidationException("no experiment", List.of(new FieldError("experimentId", null, "required")));
    }
    return service.launch(body.experimentId(), body.maxEpochs(), body.maxSteps());
  }

  @GetMapping("/api/runs")
  @Operation(summary = "List runs", description = "Newest first; filters: experiment id, status (QUEUED, RUNNING,"
      + " COMPLETED, FAILED, CANCELLED), model type, expert count.")
  Page<RunSummary> list(@RequestParam(required = false) Long experiment, @RequestParam(required = false) String status,
      @RequestParam(required = false) String modelType, @RequestParam(required = false) Integer experts,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return service.list(new RunQueries.Filter(experiment, status, modelType, experts), Paging.page(page),
        Paging.size(size));
  }

  @GetMapping("/api/experiments/{id}/runs")
  @Operation(summary = "List the runs of an experiment", description = "Newest first.")
  Page<RunSummary> listOfExperiment(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    return service.list(new RunQueries.Filter(id, null, null, null), Paging.page(page), Paging.size(size));
  }

  @GetMapping("/api/runs/{id}")
  @Operation(summary = "Get a run", description = "State, stages (status, progress, ETA, reused-from, message),"
      + " worker, device, attempts, failure reason, versions, data fingerprints, parameters, FLOPs/s, resolved"
      + " recipe and CER results.")
  RunDetail get(@PathVariable long id) {
    return service.detail(id);
  }

  @PostMapping("/api/runs/{id}/cancel")
  @Operation(summary = "Cancel a run", description = "A QUEUED run becomes CANCELLED at once; a RUNNING run gets"
      + " cancelRequested and its worker stops it at the next batch. 409 when it has already finished.")
  RunDetail cancel(@PathVariable long id) {
    return service.cancel(id);
  }

  @PostMapping("/api/runs/{id}/resume")
  @Operation(summary = "Resume a failed or cancelled run", description = "Queued again; completed stages are not"
      + " redone and training continues from its last checkpoint. 409 when the run is not FAILED or CANCELLED, or"
      + " its experiment has another active run.")
  RunDetail resume(@PathVariable long id) {
    return service.resume(id);
  }

  @PostMapping("/api/runs/{id}/clone")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Clone a run with edited recipe values",
      description = "The run's recipe with the values of 'set' changed (dotted key paths), validated again (400"
          + " listing every problem), queued on the same data.")
  RunDetail cloneRun(@PathVariable long id, @RequestBody(required = false) CloneRun body) {
    CloneRun b = body == null ? new CloneRun(null, null, null, null, null) : body;
    return service.cloneRun(id, b.set(), Boolean.TRUE.equals(b.sameExperiment()), b.name(), b.maxEpochs(),
        b.maxSteps());
  }
}
