package org.asr3m.worker.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file compose.yaml's worker health check reads (`find FILE -mmin -2`). */
class HealthFileTest {
  @TempDir Path dir;

  @Test
  void touchCreatesTheFileThenMovesItsTimeToNow() throws Exception {
    Path file = dir.resolve("state/alive");
    HealthFile health = new HealthFile(file.toString());
    health.touch();
    assertThat(file).exists();

    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Files.setLastModifiedTime(file, old);
    health.touch();
    assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(Instant.now().minusSeconds(60));
  }

  @Test
  void blankMeansNoFile() throws Exception {
    new HealthFile("").touch();
    new HealthFile(null).touch();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void anUnwritablePathLeavesTheCheckFailingInsteadOfTheHeartbeat() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
    HealthFile health = new HealthFile(blocker.resolve("alive").toString());
    health.touch(); // logs a warning once; the heartbeat goes on
    assertThat(Files.isRegularFile(blocker.resolve("alive"))).isFalse();
    assertThat(blocker).hasContent("x");
  }
}
