package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test class's {@code main} in a fresh JVM with this one's class path: process-wide native
 * settings (glibc's heap, libtorch's flags, MKL's kernels) need a process per case. The child must
 * finish within two minutes with exit code 0.
 */
final class ChildJvm {
  record Output(String out, String err) {}

  private ChildJvm() {}

  /**
   * @param env variables to set; a null value removes the variable
   */
  static Output run(Class<?> main, List<String> jvmArgs, Map<String, String> env, String... args) throws Exception {
    String launcher = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> cmd = new ArrayList<>(List.of(launcher, "-Dai.djl.offline=true"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    // stderr on its own thread: a child that fills one pipe while we read the other would hang
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    Output o = new Output(out, err.get());
    assertThat(p.exitValue()).as(o.err()).isZero();
    return o;
  }
}
