package org.asr3m.worker.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.db.PostgresTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What the job tests of this package run on: their own PostgreSQL database, work dir and local artefact store. */
final class JobTestProperties {
  private JobTestProperties() {}

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void register(DynamicPropertyRegistry registry, PostgresTestDatabase db, Path tmp) {
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
    registry.add("asr3m.worker.work-dir", () -> tmp.resolve("work").toString());
    registry.add("asr3m.artifacts.type", () -> "local");
    registry.add("asr3m.artifacts.local.root", () -> tmp.resolve("artifacts").toString());
  }
}
