package org.asr3m.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The versions a run record stores come from the build and the loaded engine. */
class VersionsTest {
  @Test
  void recordsTheBuildTheEngineAndTheRuntime() throws Exception {
    Versions v = Versions.current();
    assertThat(v.project()).matches("\\d+\\.\\d+\\.\\d+.*"); // the pom's version, filtered in at build time
    assertThat(v.djl()).isEqualTo("0.35.1");
    assertThat(v.pytorch()).isEqualTo("2.7.1");
    assertThat(v.jvm()).contains(System.getProperty("java.runtime.version"));
    assertThat(v.os()).startsWith(System.getProperty("os.name"));
    assertThat(v.asMap()).containsOnlyKeys("project", "git_commit", "djl", "pytorch", "jvm", "os");
    String head = gitHead();
    if (head == null) {
      assertThat(v.gitCommit()).isEqualTo(Versions.UNKNOWN);
    } else {
      // the build wrote the commit the classes were compiled from
      assertThat(v.gitCommit()).matches("[0-9a-f]{40}(-dirty)?").startsWith(head);
    }
  }

  /** HEAD of the checkout the tests run in, or null without git. */
  private static String gitHead() throws Exception {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(Path.of(".").toFile())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
