package org.asr3m.platform.experiment;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.asr3m.platform.run.Paging;
import org.asr3m.platform.run.RunService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Experiments: a recipe with its train, dev and test sets. */
@RestController
@RequestMapping("/api/experiments")
@Tag(name = "Experiments", description = "A recipe (YAML or JSON, WeNet keys) with its train, dev and test sets")
class ExperimentController {
  private final ExperimentService service;
  private final RunService runs;

  ExperimentController(ExperimentService service, RunService runs) {
    this.service = service;
    this.runs = runs;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create an experiment",
      description = "Fields: name, description, tags[], recipe (YAML text, or a JSON object of recipe keys),"
          + " trainSet, devSet, testSets[] (registered data set names), launch (true: queue a run at once)."
          + " Validated completely: 400 lists every problem, recipe ones as recipe.<key path> with their YAML"
          + " line (unknown key, wrong type, out of range, cross-field rules), unknown fields and data set names.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples = @ExampleObject(
          value = "{\"name\":\"tiny 3m\",\"tags\":[\"tiny\"],\"recipe\":\"model: 3m\\nmoe_conf: {num_experts: 4}\\n\","
              + "\"trainSet\":\"tiny-cmn/train\",\"devSet\":\"tiny-cmn/dev\",\"testSets\":[\"tiny-cmn/test\"]}"))))
  Experiment create(@RequestBody JsonNode body) {
    var draft = service.validate(body);
    long id = service.create(draft);
    JsonNode launch = body.get("launch");
    if (launch != null && launch.asBoolean(false)) {
      runs.launch(id, null, null);
    }
    return service.get(id);
  }

  @GetMapping
  @Operation(summary = "List experiments", description = "Newest first, with the latest run and the best CER per"
      + " test set. Filters: tag, modelType, experts, status (of the latest run; NONE = no runs), q (text in name or"
      + " description), archived (default false: archived ones are hidden). Paginated: page (0-based), size (1..200).")
  Page<Experiment> list(@RequestParam(required = false) String tag, @RequestParam(required = false) String modelType,
      @RequestParam(required = false) Integer experts, @RequestParam(required = false) String status,
      @Parameter(description = "text in name or description") @RequestParam(required = false) String q,
      @RequestParam(defaultValue = "false") boolean archived, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    return service.list(new ExperimentRepository.Filter(blank(tag), blank(modelType), experts, blank(status), q,
        archived), Paging.page(page), Paging.size(size));
  }

  @GetMapping("/{id}")
  @Operation(summary = "Get an experiment", description = "With its recipe, its runs (newest first) and the best"
      + " CER per test set.")
  Experiment get(@PathVariable long id) {
    return service.get(id);
  }

  @PatchMapping(value = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Update tags and description", description = "{\"tags\": [...], \"description\": \"...\"};"
      + " fields left out stay as they are.")
  Experiment update(@PathVariable long id, @RequestBody JsonNode body) {
    return service.update(id, body);
  }

  @PostMapping("/{id}/archive")
  @Operation(summary = "Archive an experiment", description = "Hidden from the default list (archived=true shows"
      + " it), launches no more runs.")
  Experiment archive(@PathVariable long id) {
    return service.archive(id, true);
  }

  @PostMapping("/{id}/unarchive")
  @Operation(summary = "Bring an archived experiment back")
  Experiment unarchive(@PathVariable long id) {
    return service.archive(id, false);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
