package org.asr3m.cli;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmarks' {@code --profile FILE}: libtorch's operator profiler (operators with input shapes)
 * over the timed work, written as a Chrome trace that tools/peer_bench/profile_ops.py sums per
 * operator. The file is checked before any work: libtorch opens it only at the end and then says
 * just "Could not open file".
 */
final class OperatorProfile {
  private OperatorProfile() {}

  /** @throws IllegalArgumentException naming the option and the file when it cannot be written */
  static void checkWritable(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    String why = dir == null || !Files.isDirectory(dir) ? "its directory " + dir + " does not exist"
        : Files.isDirectory(file) ? "it is a directory"
        : !Files.isWritable(dir) || Files.exists(file) && !Files.isWritable(file) ? "it is not writable" : null;
    if (why != null) {
      throw new IllegalArgumentException("--profile " + file + ": cannot write the trace there (" + why + ")");
    }
  }

  static void start() {
    JniUtils.startProfile(false, true, false);
  }

  static void stop(Path file) {
    JniUtils.stopProfile(file.toAbsolutePath().toString());
  }
}
