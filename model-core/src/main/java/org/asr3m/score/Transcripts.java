package org.asr3m.score;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asr3m.io.InputException;

/** Reads Kaldi-style {@code <uttid> <text...>} files (UTF-8). */
final class Transcripts {
  private Transcripts() {}

  /** One transcript line: its text (possibly empty) and 1-based line number. */
  record Entry(String text, int line) {}

  /**
   * Reads {@code file} into an id → entry map in file order. Blank lines are skipped; a line of only an id has
   * empty text; the text is everything after the whitespace that follows the id.
   *
   * @throws InputException when the file cannot be read, is not UTF-8, has a line starting with whitespace (no
   *     id) or repeats an id
   */
  static Map<String, Entry> read(Path file) {
    if (Files.isDirectory(file)) {
      throw new InputException(file, "is a directory, expected a text file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file, "file not found");
    } catch (AccessDeniedException e) {
      throw new InputException(file, "permission denied");
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read: " + e.getMessage(), e);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    Map<String, Entry> entries = new LinkedHashMap<>();
    int lineNo = 0;
    int from = 0;
    while (from < bytes.length) {
      // '\n' never occurs inside a multi-byte UTF-8 sequence, so lines can be split on bytes
      int to = from;
      while (to < bytes.length && bytes[to] != '\n') {
        to++;
      }
      lineNo++;
      String line;
      try {
        line = decoder.decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
      } catch (CharacterCodingException e) {
        throw new InputException(file, lineNo, "not valid UTF-8", e);
      }
      from = to + 1;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      if (isSpace(line.codePointAt(0))) {
        throw new InputException(file, lineNo, "line starts with whitespace; expected '<uttid> <text>'");
      }
      int end = 0;
      while (end < line.length() && !isSpace(line.codePointAt(end))) {
        end += Character.charCount(line.codePointAt(end));
      }
      String id = line.substring(0, end);
      int start = end;
      while (start < line.length() && isSpace(line.codePointAt(start))) {
        start += Character.charCount(line.codePointAt(start));
      }
      Entry previous = entries.putIfAbsent(id, new Entry(line.substring(start), lineNo));
      if (previous != null) {
        throw new InputException(file, lineNo,
            "duplicate utterance id '" + id + "' (first at line " + previous.line() + ")");
      }
    }
    return Collections.unmodifiableMap(entries);
  }

  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }
}
