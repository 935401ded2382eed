package org.asr3m.platform.ui;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.asr3m.platform.run.RunQueries;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.run.Stage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Read-only endpoints the web UI needs beyond the core API: recipe templates, a run's artefacts
 * (what its stages published) and its stage logs, streamed from the artefact store.
 */
@RestController
@Tag(name = "UI support", description = "Recipe templates, run artefacts and stage logs (read-only)")
class UiController {
  private static final int BUFFER = 64 * 1024;
  private final RecipeTemplates templates;
  private final JdbcClient jdbc;
  private final ArtifactStore store;
  private final RunQueries runs;

  UiController(RecipeTemplates templates, JdbcClient jdbc, ArtifactStore store, RunQueries runs) {
    this.templates = templates;
    this.jdbc = jdbc;
    this.store = store;
    this.runs = runs;
  }

  @GetMapping("/api/ui/recipes")
  @Operation(summary = "Shipped recipe templates", description = "recipes/tiny-cmn/*.yaml: [{name, modelType, yaml}]")
  List<RecipeTemplate> recipes() {
    return templates.all();
  }

  @GetMapping("/api/runs/{id}/artifacts")
  @Operation(summary = "Artefacts of a run", description = "Every object its stages published (checkpoint files,"
      + " units, CMVN, hypotheses, CER reports, logs) with size, SHA-256 and a download URL, by stage and key.")
  List<RunArtifact> artifacts(@PathVariable long id) {
    requireRun(id);
    return jdbc.sql("select id, stage, kind, object_key, size_bytes, sha256, created_at from artifacts"
            + " where run_id = ? order by id").param(id)
        .query((rs, i) -> new RunArtifact(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getLong(5), rs.getString(6), rs.getObject(7, java.time.OffsetDateTime.class),
            "/api/runs/" + id + "/artifacts/" + rs.getLong(1))).list();
  }

  @GetMapping("/api/runs/{id}/artifacts/{artifactId}")
  @Operation(summary = "Download one artefact", description = "Streamed from the store, verified against its"
      + " SHA-256 at the end; ETag is the SHA-256.")
  ResponseEntity<StreamingResponseBody> download(@PathVariable long id, @PathVariable long artifactId) {
    RunArtifact a = artifacts(id).stream().filter(x -> x.id() == artifactId).findFirst()
        .orElseThrow(() -> new NotFoundException("artifact of run " + id, artifactId));
    String file = a.key().substring(a.key().lastIndexOf('/') + 1);
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .contentLength(a.size())
        .eTag("\"" + a.sha256() + "\"")
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"run" + id + "_" + file + "\"")
        .body(out -> copy(a.key(), out));
  }

  @GetMapping(value = "/api/runs/{id}/logs/{stage}", produces = MediaType.TEXT_PLAIN_VALUE)
  @Operation(summary = "A stage's log", description = "runs/<id>/logs/<stage>.log, published when the stage ends"
      + " (completed or failed); 404 before that.")
  ResponseEntity<StreamingResponseBody> log(@PathVariable long id, @PathVariable String stage) throws IOException {
    requireRun(id);
    Optional<Stage> s = java.util.Arrays.stream(Stage.values()).filter(x -> x.stepName().equals(stage)).findFirst();
    if (s.isEmpty()) {
      throw new NotFoundException("stage", stage);
    }
    String key = "runs/" + id + "/logs/" + stage + ".log";
    var stat = store.stat(key).orElseThrow(() -> new NotFoundException("log of stage " + stage + " of run " + id
        + " (published when the stage ends)", key));
    return ResponseEntity.ok().contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
        .contentLength(stat.size()).body(out -> copy(key, out));
  }

  private void copy(String key, java.io.OutputStream out) throws IOException {
    try (InputStream in = store.open(key)) {
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    }
  }

  private void requireRun(long id) {
    if (runs.status(id) == null) {
      throw new NotFoundException("run", id);
    }
  }
}
