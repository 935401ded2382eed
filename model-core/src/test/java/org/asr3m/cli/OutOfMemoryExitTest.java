package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Running out of memory in any command exits with code 4 and a message, not a stack trace. */
class OutOfMemoryExitTest {
  /** A command that really runs out: of PyTorch's native memory, or of what a Java array may hold. */
  @Command(name = "alloc")
  static final class Alloc implements Callable<Integer> {
    @Option(names = "--native")
    boolean nativeMemory;

    @Override
    public Integer call() {
      if (nativeMemory) {
        try (NDManager m = NDManager.newBaseManager()) {
          m.zeros(new Shape(1L << 46)); // 256 TiB of float32
        }
      } else {
        System.out.println(new long[Integer.MAX_VALUE].length);
      }
      return 0;
    }
  }

  private static String[] run(String... args) {
    CommandLine cmd = Asr3m.commandLine();
    cmd.addSubcommand("alloc", new Alloc());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Asr3m.execute(cmd, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new String[] {String.valueOf(code), err.toString()};
  }

  @Test
  void nativeMemory() {
    String[] r = run("alloc", "--native");
    assertThat(r[0]).isEqualTo(String.valueOf(Asr3m.EXIT_OUT_OF_MEMORY));
    assertThat(r[1]).startsWith("asr3m alloc: error: out of native memory: PyTorch could not allocate 256.00 TiB")
        .contains("max_frames_in_batch").doesNotContain("\tat ");
  }

  /** OutOfMemoryError is an Error, which picocli does not hand to the exception handler. */
  @Test
  void javaHeap() {
    String[] r = run("alloc");
    assertThat(r[0]).isEqualTo(String.valueOf(Asr3m.EXIT_OUT_OF_MEMORY));
    assertThat(r[1]).startsWith("asr3m alloc: error: out of Java heap memory in OutOfMemoryExitTest$Alloc.call")
        .contains("-Xmx").doesNotContain("\tat ");
  }
}
