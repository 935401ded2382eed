package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.progress.StageLog;
import org.asr3m.worker.run.RunRecord;
import org.asr3m.worker.run.Stage;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What one stage execution works with: the run, its local work directory, the artefact store
 * (every output is published there and recorded in the artifacts table) and the stage log.
 * Stages exchange data only through the store and the database, never through memory, so each
 * stage can run on another machine than the one before it.
 */
public final class StageContext {
  /** Written last under a stage's output prefix: its presence means the outputs are complete. */
  public static final String MANIFEST = "manifest.txt";
  /** Local data sets given as {@code store:<prefix>} are downloaded here once. */
  private static final String STORE_SCHEME = "store:";

  private final RunRecord run;
  private final Stage stage;
  private final Path workDir;
  private final ArtifactStore store;
  private final JdbcClient jdbc;
  private final StageLog log;

  StageContext(RunRecord run, Stage stage, Path workDir, ArtifactStore store, JdbcClient jdbc, StageLog log) {
    this.run = run;
    this.stage = stage;
    this.workDir = workDir;
    this.store = store;
    this.jdbc = jdbc;
    this.log = log;
  }

  public RunRecord run() {
    return run;
  }

  public Stage stage() {
    return stage;
  }

  public StageLog log() {
    return log;
  }

  public ArtifactStore store() {
    return store;
  }

  /** This run's scratch directory for the stage ({@code work/runs/<id>/<stage>}). */
  public Path localDir() throws IOException {
    return Files.createDirectories(workDir.resolve("runs").resolve(Long.toString(run.id())).resolve(stage.stepName()));
  }

  /** The key prefix of this run's own outputs of this stage ({@code runs/<id>/<stage>}). */
  public String ownPrefix() {
    return prefix(run.id(), stage);
  }

  public static String prefix(long runId, Stage stage) {
    return "runs/" + runId + "/" + stage.stepName();
  }

  /** A data set location as a local directory: a path as it is, {@code store:<prefix>} downloaded once. */
  public Path dataDir(String location) throws IOException {
    if (!location.startsWith(STORE_SCHEME)) {
      Path p = Path.of(location);
      if (!Files.isDirectory(p)) {
        throw new org.asr3m.io.InputException(p, "data directory does not exist");
      }
      return p;
    }
    String prefix = location.substring(STORE_SCHEME.length()).replaceAll("/+$", "");
    Path dir = workDir.resolve("datasets").resolve(prefix.replace('/', '_'));
    Path done = dir.resolve(".complete");
    if (!Files.exists(done)) {
      List<StoredArtifact> got = store.getDirectory(prefix, dir);
      if (got.isEmpty()) {
        throw new IllegalArgumentException("data set " + location + ": no objects under " + prefix + " in "
            + store.describe());
      }
      Files.writeString(done, Integer.toString(got.size()));
    }
    return dir;
  }

  /** Uploads one file and records it as an artefact of this run and stage. */
  public StoredArtifact publish(String key, Path file, String kind) throws IOException {
    StoredArtifact a = store.put(key, file);
    record(a, kind);
    return a;
  }

  /** Uploads a directory (e.g. a checkpoint) under {@code prefix}; {@code last} (if present) goes last. */
  public List<StoredArtifact> publishDir(String prefix, Path dir, String kind, String last) throws IOException {
    List<Path> files;
    try (var s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    List<StoredArtifact> out = new ArrayList<>();
    Path lastFile = null;
    for (Path f : files) {
      if (last != null && dir.relativize(f).toString().equals(last)) {
        lastFile = f;
        continue;
      }
      out.add(publish(prefix + "/" + dir.relativize(f).toString().replace('\\', '/'), f, kind));
    }
    if (lastFile != null) {
      out.add(publish(prefix + "/" + last, lastFile, kind));
    }
    return out;
  }

  /** Marks the outputs under {@code prefix} complete by writing the manifest (the list of keys) last. */
  public void seal(String prefix, List<StoredArtifact> outputs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (StoredArtifact a : outputs) {
      sb.append(a.sha256()).append("  ").append(a.size()).append("  ").append(a.key()).append('\n');
    }
    StoredArtifact m = store.put(prefix + "/" + MANIFEST, sb.toString().getBytes(StandardCharsets.UTF_8));
    record(m, "manifest");
  }

  /** True when a stage output prefix was sealed (all its objects were uploaded). */
  public boolean sealed(String prefix) throws IOException {
    return store.stat(prefix + "/" + MANIFEST).isPresent();
  }

  /** Downloads the objects below {@code prefix} into {@code dir}. */
  public Path fetch(String prefix, Path dir) throws IOException {
    List<StoredArtifact> got = store.getDirectory(prefix, dir);
    if (got.isEmpty()) {
      throw new IllegalStateException("no objects under " + prefix + " in " + store.describe());
    }
    return dir;
  }

  private void record(StoredArtifact a, String kind) {
    jdbc.sql("delete from artifacts where object_key = ?").param(a.key()).update();
    jdbc.sql("insert into artifacts (run_id, stage, kind, object_key, size_bytes, sha256) values (?, ?, ?, ?, ?, ?)")
        .params(run.id(), stage.stepName(), kind, a.key(), a.size(), a.sha256()).update();
  }

  /** Removes an object from the store and the artifacts table (superseded step checkpoints). */
  public void unpublish(String key) throws IOException {
    store.delete(key);
    jdbc.sql("delete from artifacts where object_key = ?").param(key).update();
  }
}
