package org.asr3m.worker.lease;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file whose modification time says when this worker last wrote its heartbeat to the database
 * ({@code asr3m.worker.health-file}; empty = none). A worker has no HTTP port, so a container's
 * health check reads the file's age: a stale file means the worker loop or its database is stuck.
 */
public final class HealthFile {
  private static final Logger LOG = LoggerFactory.getLogger(HealthFile.class);
  private final Path path;
  private boolean warned;

  /** @param path the file, or blank for none */
  public HealthFile(String path) {
    this.path = path == null || path.isBlank() ? null : Path.of(path);
  }

  /** Marks a heartbeat that reached the database: creates the file or moves its time to now. */
  public void touch() {
    if (path == null) {
      return;
    }
    try {
      if (Files.exists(path)) {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
      } else {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(path, "asr3m worker heartbeat\n");
      }
      warned = false;
    } catch (IOException e) {
      // the heartbeat itself succeeded; the health check will see the stale file and say so
      if (!warned) {
        LOG.warn("cannot update the health file {} (asr3m.worker.health-file): {}", path, e.toString());
        warned = true;
      }
    }
  }
}
