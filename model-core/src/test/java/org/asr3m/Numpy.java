package org.asr3m;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Python scripts with numpy (/usr/bin/python3) to check that numpy reads what we write. */
public final class Numpy {
  private static final String PYTHON = "/usr/bin/python3";
  private static Boolean available;

  private Numpy() {}

  /** Skips the calling test, saying why, when numpy cannot be imported. */
  public static void assume() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
        available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    assumeTrue(available, "numpy is not installed: `" + PYTHON + " -c 'import numpy'` failed"
        + " (apt-get install python3-numpy to run this check)");
  }

  /** Runs {@code script} with {@code args} (sys.argv[1:]); returns its standard output, failing on a non-zero exit. */
  public static String run(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", script));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError("python failed (" + p.exitValue() + "):\n" + text);
    }
    return text;
  }
}
