package org.asr3m.io;

import java.nio.file.Path;

/**
 * Bad user input: a file that is missing, malformed or inconsistent. The message always names the
 * file (and the 1-based line or field when there is one) so a user can fix it without a stack trace.
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  public InputException(Path file, String message) {
    this(file, 0, message, null);
  }

  public InputException(Path file, int line, String message) {
    this(file, line, message, null);
  }

  public InputException(Path file, int line, String message, Throwable cause) {
    super(describe(file, line, message), cause);
    this.file = file;
    this.line = line;
  }

  /** The offending file, or null when the input did not come from a file. */
  public Path file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem is not tied to one line. */
  public int line() {
    return line;
  }

  private static String describe(Path file, int line, String message) {
    if (file == null) {
      return message;
    }
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
