package org.asr3m.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.asr3m.io.InputException;

/**
 * The modelling units in WeNet's {@code units.txt} format: one "&lt;unit&gt; &lt;id&gt;" per line, ids
 * 0…V−1 in order, {@code <blank> 0}, {@code <unk> 1}, then the units sorted by code point, and
 * {@code <sos/eos>} last.
 */
public final class Units {
  public static final String BLANK = "<blank>";
  public static final String UNK = "<unk>";
  public static final String SOS_EOS = "<sos/eos>";

  private final List<String> tokens;
  private final Map<String, Integer> ids = new HashMap<>();

  private Units(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
  }

  /** Builds units from training transcripts (each transcript tokenised by {@link CharTokenizer}). */
  public static Units build(Iterable<String> transcripts) {
    Builder b = new Builder();
    transcripts.forEach(b::add);
    return b.build();
  }

  /**
   * Collects the units of transcripts seen one at a time (a streamed corpus): memory holds the
   * distinct units only, never the transcripts.
   */
  public static final class Builder {
    private final TreeSet<String> set = new TreeSet<>(Units::compareCodePoints);

    public void add(String transcript) {
      set.addAll(CharTokenizer.tokenize(transcript));
    }

    public Units build() {
      List<String> tokens = new ArrayList<>();
      tokens.add(BLANK);
      tokens.add(UNK);
      tokens.addAll(set);
      tokens.add(SOS_EOS);
      return new Units(tokens);
    }
  }

  public static Units read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(file, "units file not found");
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read units: " + e.getMessage(), e);
    }
    List<String> tokens = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 2) {
        throw new InputException(file, i + 1, "expected '<unit> <id>', got '" + line + "'");
      }
      int id;
      try {
        id = Integer.parseInt(f[1]);
      } catch (NumberFormatException e) {
        throw new InputException(file, i + 1, "id '" + f[1] + "' is not an integer");
      }
      if (id != tokens.size()) {
        throw new InputException(file, i + 1, "ids must count up from 0 without gaps: expected " + tokens.size()
            + ", got " + id);
      }
      Integer before = seen.put(f[0], i + 1);
      if (before != null) {
        throw new InputException(file, i + 1, "unit " + f[0] + " is listed twice (also on line " + before + ")");
      }
      tokens.add(f[0]);
    }
    if (tokens.isEmpty() || !tokens.get(0).equals(BLANK)) {
      throw new InputException(file, 1, "the first unit must be " + BLANK + " with id 0");
    }
    if (!seen.containsKey(UNK)) {
      throw new InputException(file, "no " + UNK + " unit");
    }
    if (!tokens.get(tokens.size() - 1).equals(SOS_EOS)) {
      throw new InputException(file, "the last unit must be " + SOS_EOS);
    }
    return new Units(tokens);
  }

  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      sb.append(tokens.get(i)).append(' ').append(i).append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  public int size() {
    return tokens.size();
  }

  public String token(int id) {
    return tokens.get(id);
  }

  public Integer idOrNull(String token) {
    return ids.get(token);
  }

  public int blankId() {
    return 0;
  }

  public int unkId() {
    return ids.get(UNK);
  }

  public int sosEosId() {
    return tokens.size() - 1;
  }

  /** Unicode code-point order (String.compareTo orders UTF-16 units, which differs beyond the BMP). */
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
