package org.asr3m.platform.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.asr3m.data.DataFingerprint;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.io.InputException;
import org.asr3m.platform.web.ValidationException.FieldError;

/**
 * Validates a Kaldi data directory with model-core's {@link KaldiDataDir} (every problem, with file
 * and line), and counts utterances, speakers, hours (from audio headers) and characters; the
 * fingerprint is model-core's {@link DataFingerprint}, the one the worker's stage reuse compares.
 */
final class DatasetInspector {
  private DatasetInspector() {}

  /**
   * @param dir the data directory (a local copy)
   * @param selfContained every audio path must be relative and inside {@code dir} (uploads and store
   *     prefixes, which are copied elsewhere as a whole)
   */
  static DatasetInspection inspect(Path dir, boolean selfContained) {
    Path root = dir.toAbsolutePath().normalize();
    List<FieldError> problems = new ArrayList<>();
    KaldiDataDir data;
    try {
      data = KaldiDataDir.load(root);
    } catch (InputException e) {
      problems.add(problem(root, e));
      return new DatasetInspection(problems, null, 0, 0, null, 0, 0, new TreeMap<>());
    }
    data.problems().forEach(p -> problems.add(problem(root, p)));
    if (!Files.isRegularFile(root.resolve("text"))) {
      problems.add(new FieldError("text", null, "missing: a data set for training or scoring needs transcripts"));
    }
    if (selfContained) {
      problems.addAll(outsidePaths(root));
    }
    if (data.utterances().isEmpty() && problems.isEmpty()) {
      problems.add(new FieldError("wav.scp", null, "the data set has no utterances"));
    }
    Set<String> speakers = new HashSet<>();
    boolean fromUtt2spk = Files.isRegularFile(root.resolve("utt2spk"));
    TreeMap<String, Long> chars = new TreeMap<>();
    Map<Path, Double> durations = new LinkedHashMap<>();
    double seconds = 0;
    for (Utterance u : data.utterances()) {
      speakers.add(u.speaker() != null ? u.speaker() : idPrefix(u.id()));
      if (u.text() != null) {
        u.text().codePoints().filter(c -> !Character.isWhitespace(c))
            .forEach(c -> chars.merge(new String(Character.toChars(c)), 1L, Long::sum));
      }
      Double full = durations.get(u.audio());
      if (full == null) {
        try {
          full = AudioDuration.seconds(u.audio());
        } catch (InputException e) {
          problems.add(new FieldError(relative(root, u.audio()), null, "utterance " + u.id() + ": "
              + bare(root, e)));
          full = 0.0;
        }
        durations.put(u.audio(), full);
      }
      seconds += u.endSec() >= 0 ? Math.min(u.endSec(), full) - u.startSec() : full - u.startSec();
    }
    long bytes = 0;
    for (Path p : durations.keySet()) {
      try {
        bytes += Files.size(p);
      } catch (IOException e) {
        problems.add(new FieldError(relative(root, p), null, "cannot stat: " + e.getMessage()));
      }
    }
    String fingerprint = null;
    if (problems.isEmpty()) {
      try {
        fingerprint = DataFingerprint.of(root);
      } catch (InputException e) {
        problems.add(problem(root, e));
      }
    }
    return new DatasetInspection(problems, fingerprint, data.utterances().size(), speakers.size(),
        fromUtt2spk ? "utt2spk" : "id-prefix", seconds / 3600.0, bytes, chars);
  }

  /** Audio paths of wav.scp that would not travel with the directory. */
  private static List<FieldError> outsidePaths(Path root) {
    List<FieldError> out = new ArrayList<>();
    Path wavScp = root.resolve("wav.scp");
    List<String> lines;
    try {
      lines = Files.readAllLines(wavScp, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return out; // KaldiDataDir already reported it
    }
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).strip().split("\\s+", 2);
      if (f.length < 2) {
        continue;
      }
      Path p = Path.of(f[1]);
      if (p.isAbsolute() || !root.resolve(p).normalize().startsWith(root)) {
        out.add(new FieldError("wav.scp", i + 1, "recording " + f[0] + ": audio path " + f[1]
            + " must be relative and inside the data set (the archive or store prefix is copied as a whole)"));
      }
    }
    return out;
  }

  /** Kaldi's convention: the speaker id is a prefix of the utterance id ({@code spk1-utt003}). */
  static String idPrefix(String id) {
    int cut = Math.max(id.lastIndexOf('-'), id.lastIndexOf('_'));
    return cut > 0 ? id.substring(0, cut) : id;
  }

  private static FieldError problem(Path root, InputException e) {
    String file = e.file() == null ? "" : relative(root, e.file());
    return new FieldError(file, e.line() > 0 ? e.line() : null, bare(root, e));
  }

  /** The message without its "file:line: " prefix, with the directory's own path left out. */
  private static String bare(Path root, InputException e) {
    String m = e.getMessage();
    if (e.file() != null) {
      String prefix = e.file() + (e.line() > 0 ? ":" + e.line() : "") + ": ";
      if (m.startsWith(prefix)) {
        m = m.substring(prefix.length());
      }
    }
    return m.replace(root + "/", "").replace(root.toString(), ".");
  }

  private static String relative(Path root, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(root) ? root.relativize(abs).toString().replace('\\', '/') : abs.toString();
  }
}
