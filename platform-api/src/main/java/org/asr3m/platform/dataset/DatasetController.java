package org.asr3m.platform.dataset;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Data sets: Kaldi data directories (train / dev / test sets) that experiments name. */
@RestController
@RequestMapping("/api/datasets")
@Tag(name = "Data sets", description = "Kaldi data directories: registered by upload, store prefix or local path;"
    + " validated, fingerprinted and counted on registration")
class DatasetController {
  private final DatasetService service;

  DatasetController(DatasetService service) {
    this.service = service;
  }

  /** A registration by reference. */
  record RegisterDataset(
      @io.swagger.v3.oas.annotations.media.Schema(example = "aishell/train") String name,
      @io.swagger.v3.oas.annotations.media.Schema(description = "store:<prefix> in the artefact store, or a local"
          + " directory (embedded default only)", example = "store:datasets/aishell/train") String location,
      String description) {}

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Register a data set by uploading an archive",
      description = "A .tar.gz, .tar or .zip holding wav.scp, text, optional segments and utt2spk, and the audio"
          + " (paths in wav.scp relative, inside the archive; at the top level or in one top directory). Stored"
          + " under datasets/<name>/ with location store:datasets/<name>. Every problem is listed (400, errors[]"
          + " with file as field and line); on any problem nothing is stored or registered.")
  Dataset upload(@RequestParam("name") String name,
      @RequestParam(value = "description", required = false) String description,
      @RequestPart("file") MultipartFile file) throws IOException {
    if (file == null || file.isEmpty()) {
      throw new ValidationException("no archive", List.of(new FieldError("file", null, "the upload is empty")));
    }
    try (InputStream in = file.getInputStream()) {
      return service.upload(name, description, file.getOriginalFilename(), in);
    }
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Register a data set by store prefix or local directory",
      description = "location store:<prefix> (objects already in the artefact store) or, when"
          + " asr3m.datasets.allow-local-paths is true (the embedded default), a directory of the platform's machine.")
  Dataset register(@RequestBody RegisterDataset body) throws IOException {
    return service.register(body.name(), body.description(), body.location());
  }

  @GetMapping
  @Operation(summary = "List data sets", description = "Every registered data set, by name.")
  List<Dataset> list() {
    return service.list();
  }

  @GetMapping("/{*ref}")
  @Operation(summary = "Get a data set by id or name", description = "Names may contain '/', e.g."
      + " /api/datasets/tiny-cmn/test. With coverageAgainst=<name>: the share of this set's characters (types and"
      + " occurrences) that the other set (usually the train set, whose characters become the units) has.")
  Dataset get(@Parameter(description = "id or name", example = "tiny-cmn/test") @PathVariable("ref") String ref,
      @RequestParam(value = "coverageAgainst", required = false) String coverageAgainst) {
    return service.get(ref.startsWith("/") ? ref.substring(1) : ref, coverageAgainst);
  }
}
