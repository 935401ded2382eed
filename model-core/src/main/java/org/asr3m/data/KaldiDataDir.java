package org.asr3m.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.io.InputException;

/**
 * A Kaldi-style data directory: {@code wav.scp} (id → audio path; relative paths are resolved
 * against the directory itself, so a corpus can be moved as a whole), optional {@code segments}
 * (segment id → recording, start, end), {@code text} and {@code utt2spk}.
 *
 * <p>Loading never stops at the first bad line: every problem (malformed line, duplicate id,
 * missing audio, utterance without transcript, …) is collected with its file and line in
 * {@link #problems()}, and the good utterances are still returned, so a batch job can report all
 * problems at the end and still process everything else.
 */
public final class KaldiDataDir {
  private final Path dir;
  private final List<Utterance> utterances;
  private final List<InputException> problems;

  private KaldiDataDir(Path dir, List<Utterance> utterances, List<InputException> problems) {
    this.dir = dir;
    this.utterances = utterances;
    this.problems = problems;
  }

  public Path dir() {
    return dir;
  }

  /** Good utterances, sorted by id. */
  public List<Utterance> utterances() {
    return utterances;
  }

  /** Every problem found, in file order. */
  public List<InputException> problems() {
    return problems;
  }

  /** A line of a two-column Kaldi table: key, rest of line, and where it came from. */
  record Entry(String key, String value, int line) {}

  public static KaldiDataDir load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InputException(dir, "data directory not found");
    }
    Path wavScp = dir.resolve("wav.scp");
    if (!Files.isRegularFile(wavScp)) {
      throw new InputException(wavScp, "missing: a data directory needs wav.scp");
    }
    List<InputException> problems = new ArrayList<>();
    Map<String, Entry> wavs = readTable(wavScp, problems, true);
    Map<String, Path> audio = new LinkedHashMap<>();
    for (Entry e : wavs.values()) {
      if (e.value().endsWith("|")) {
        problems.add(new InputException(wavScp, e.line(), "recording " + e.key()
            + ": command pipes are not supported; give an audio file path"));
        continue;
      }
      Path p = dir.resolve(e.value());
      if (!Files.isRegularFile(p)) {
        problems.add(new InputException(wavScp, e.line(), "recording " + e.key() + ": audio file " + p + " not found"));
        continue;
      }
      audio.put(e.key(), p);
    }
    Map<String, Utterance> utts = new LinkedHashMap<>();
    Path segments = dir.resolve("segments");
    if (Files.isRegularFile(segments)) {
      for (Entry e : readTable(segments, problems, true).values()) {
        String[] f = e.value().split("\\s+");
        if (f.length != 3) {
          problems.add(new InputException(segments, e.line(), "segment " + e.key()
              + ": expected '<segment-id> <recording-id> <start> <end>'"));
          continue;
        }
        double start;
        double end;
        try {
          start = Double.parseDouble(f[1]);
          end = Double.parseDouble(f[2]);
        } catch (NumberFormatException ex) {
          problems.add(new InputException(segments, e.line(), "segment " + e.key() + ": start/end are not numbers"));
          continue;
        }
        if (start < 0 || (end >= 0 && end <= start)) {
          problems.add(new InputException(segments, e.line(), "segment " + e.key() + ": start " + start
              + " s must be >= 0 and before end " + end + " s"));
          continue;
        }
        if (!wavs.containsKey(f[0])) {
          problems.add(new InputException(segments, e.line(), "segment " + e.key() + ": recording " + f[0]
              + " is not in wav.scp"));
          continue;
        }
        if (audio.containsKey(f[0])) {
          utts.put(e.key(), new Utterance(e.key(), audio.get(f[0]), start, end, null, null));
        }
      }
    } else {
      audio.forEach((id, p) -> utts.put(id, new Utterance(id, p, 0, -1, null, null)));
    }
    Path textFile = dir.resolve("text");
    if (Files.isRegularFile(textFile)) {
      Map<String, Entry> texts = readTable(textFile, problems, false);
      for (Entry e : texts.values()) {
        if (!utts.containsKey(e.key()) && !wavs.containsKey(e.key())) {
          problems.add(new InputException(textFile, e.line(), "utterance " + e.key()
              + " has a transcript but no audio (not in wav.scp" + (Files.isRegularFile(segments) ? " or segments" : "")
              + ")"));
        }
      }
      for (Utterance u : new ArrayList<>(utts.values())) {
        Entry t = texts.get(u.id());
        if (t == null) {
          problems.add(new InputException(textFile, 0, "utterance " + u.id() + " has no transcript"));
          utts.remove(u.id());
        } else {
          utts.put(u.id(), new Utterance(u.id(), u.audio(), u.startSec(), u.endSec(), t.value(), null));
        }
      }
    }
    Path utt2spk = dir.resolve("utt2spk");
    if (Files.isRegularFile(utt2spk)) {
      for (Entry e : readTable(utt2spk, problems, true).values()) {
        Utterance u = utts.get(e.key());
        if (u != null) {
          utts.put(u.id(), new Utterance(u.id(), u.audio(), u.startSec(), u.endSec(), u.text(), e.value()));
        }
      }
    }
    List<Utterance> list = new ArrayList<>(utts.values());
    list.sort(Comparator.comparing(Utterance::id));
    return new KaldiDataDir(dir, List.copyOf(list), List.copyOf(problems));
  }

  /** Transcripts of a Kaldi {@code text} file by utterance id; bad lines go to {@code problems}. */
  public static Map<String, String> readText(Path file, List<InputException> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    readTable(file, problems, false).forEach((k, e) -> out.put(k, e.value()));
    return out;
  }

  /**
   * Reads "key value..." lines; blank lines are skipped, a line without a key or (when
   * {@code valueRequired}) without a value, and a repeated key, are problems.
   */
  static Map<String, Entry> readTable(Path file, List<InputException> problems, boolean valueRequired) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      problems.add(new InputException(file, 0, "not valid UTF-8 text"));
      return Map.of();
    } catch (IOException e) {
      problems.add(new InputException(file, 0, "cannot read: " + e.getMessage(), e));
      return Map.of();
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int n = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        problems.add(new InputException(file, n, "line has no id (it starts with whitespace)"));
        continue;
      }
      String trimmed = line.strip();
      int sep = indexOfWhitespace(trimmed);
      String key = sep < 0 ? trimmed : trimmed.substring(0, sep);
      String value = sep < 0 ? "" : trimmed.substring(sep).strip();
      if (valueRequired && value.isEmpty()) {
        problems.add(new InputException(file, n, key + ": line has an id but no value"));
        continue;
      }
      Entry previous = out.get(key);
      if (previous != null) {
        problems.add(new InputException(file, n, "duplicate id " + key + " (first on line " + previous.line() + ")"));
        continue;
      }
      out.put(key, new Entry(key, value, n));
    }
    return out;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Writes wav.scp, text and utt2spk (and segments when any utterance is a segment), sorted by id. */
  public static void write(Path dir, List<Utterance> utterances) throws IOException {
    Files.createDirectories(dir);
    List<Utterance> sorted = new ArrayList<>(utterances);
    sorted.sort(Comparator.comparing(Utterance::id));
    boolean segmented = sorted.stream().anyMatch(u -> u.startSec() > 0 || u.endSec() >= 0);
    StringBuilder wav = new StringBuilder();
    StringBuilder seg = new StringBuilder();
    StringBuilder text = new StringBuilder();
    StringBuilder spk = new StringBuilder();
    Map<Path, String> recordings = new LinkedHashMap<>();
    for (Utterance u : sorted) {
      if (segmented) {
        String rec = recordings.computeIfAbsent(u.audio(), p -> "rec" + (recordings.size() + 1));
        seg.append(u.id()).append(' ').append(rec).append(' ').append(u.startSec()).append(' ').append(u.endSec())
            .append('\n');
      } else {
        wav.append(u.id()).append(' ').append(u.audio()).append('\n');
      }
      if (u.text() != null) {
        text.append(u.id()).append(' ').append(u.text()).append('\n');
      }
      if (u.speaker() != null) {
        spk.append(u.id()).append(' ').append(u.speaker()).append('\n');
      }
    }
    if (segmented) {
      recordings.forEach((p, rec) -> wav.append(rec).append(' ').append(p).append('\n'));
      Files.writeString(dir.resolve("segments"), seg);
    }
    Files.writeString(dir.resolve("wav.scp"), wav);
    if (text.length() > 0) {
      Files.writeString(dir.resolve("text"), text);
    }
    if (spk.length() > 0) {
      Files.writeString(dir.resolve("utt2spk"), spk);
    }
  }
}
