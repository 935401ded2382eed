package org.asr3m.worker.progress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The log of one stage: a file in the run's work directory (appended to across restarts, so the
 * log of a resumed stage tells its whole story), kept as an artefact when the stage ends. Lines
 * written through {@link #writer()} also come from model-core (data warnings, decoding summaries).
 */
public final class StageLog implements AutoCloseable {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final Path file;
  private final PrintWriter writer;

  public StageLog(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      this.writer = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open stage log " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** For model-core APIs that report through a PrintWriter. */
  public PrintWriter writer() {
    return writer;
  }

  public void line(String format, Object... args) {
    writer.println(LocalTime.now().format(TIME) + " " + String.format(format, args));
    writer.flush();
  }

  @Override
  public void close() {
    writer.close();
  }
}
