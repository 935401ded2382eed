package org.asr3m.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process (Linux /proc), covering native (PyTorch) memory as well as the heap. */
final class Rss {
  private Rss() {}

  /** Heap memory the JVM has committed (part of the RSS even when it holds only garbage). */
  static long committedHeapKilobytes() {
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
  }

  /** CPU time of all the process's threads so far (JVM and native), in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long kilobytes() {
    return status("VmRSS:");
  }

  /** Peak resident set size of the process so far (the kernel's high-water mark). */
  static long peakKilobytes() {
    return status("VmHWM:");
  }

  private static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
