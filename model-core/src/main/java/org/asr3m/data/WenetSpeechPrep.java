package org.asr3m.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.io.InputException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kaldi data directories from the WenetSpeech release's metadata ({@code WenetSpeech.json}: audios,
 * each with its segments, their text and the subsets they belong to, e.g. {L}, {M}, {S}, {DEV},
 * {TEST_NET}, {TEST_MEETING}). The file is read as a stream (it is over a gigabyte) and each subset
 * gets wav.scp (long audio id → audio file), segments, text and utt2spk. The long recordings are
 * opus in the release; {@code audioExtension} points wav.scp at the converted copies (FLAC/WAV) in
 * {@code audioRoot}, which keep the release's relative layout.
 */
public final class WenetSpeechPrep {
  /** Subset tag → output directory name, as WeNet's recipe names them. */
  public static final Map<String, String> DIRS = Map.of("{L}", "train_l", "{M}", "train_m", "{S}", "train_s",
      "{W}", "train_w", "{XS}", "train_xs", "{DEV}", "dev", "{TEST_NET}", "test_net", "{TEST_MEETING}", "test_meeting");

  /** What was written per subset, and the segments that could not be used (each named). */
  public record Result(Map<String, Integer> segments, List<InputException> problems) {}

  private WenetSpeechPrep() {}

  /**
   * @param subsets subset tags to write (keys of {@link #DIRS})
   * @param audioExtension replaces the audio file's extension in wav.scp (e.g. "flac"); null keeps it
   */
  public static Result prepare(Path json, Path audioRoot, String audioExtension, List<String> subsets, Path out)
      throws IOException {
    for (String s : subsets) {
      if (!DIRS.containsKey(s)) {
        throw new IllegalArgumentException("unknown WenetSpeech subset " + s + " (known: " + DIRS.keySet() + ")");
      }
    }
    // one audio object at a time from the open array: what follows it is not "trailing"
    ObjectMapper mapper = JsonMapper.builder()
        .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    Map<String, Writers> writers = new LinkedHashMap<>();
    List<InputException> problems = new ArrayList<>();
    try {
      for (String s : subsets) {
        writers.put(s, new Writers(Files.createDirectories(out.resolve(DIRS.get(s)))));
      }
      try (JsonParser p = mapper.createParser(json.toFile())) {
        if (!seekAudios(p)) {
          throw new InputException(json, "no \"audios\" array: not a WenetSpeech.json");
        }
        int index = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
          long line = p.currentTokenLocation().getLineNr();
          JsonNode audio = mapper.readTree(p);
          addAudio(json, line, index++, audio, audioRoot, audioExtension, writers, problems);
        }
      } catch (tools.jackson.core.JacksonException e) {
        long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        throw new InputException(json, (int) line, "malformed JSON: " + e.getOriginalMessage());
      }
    } catch (IOException | RuntimeException e) {
      // a failed run leaves the directories as they were (earlier good output included)
      for (Writers w : writers.values()) {
        w.discard();
      }
      throw e;
    }
    for (Writers w : writers.values()) {
      w.commit();
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    writers.forEach((k, w) -> counts.put(DIRS.get(k), w.segments));
    return new Result(counts, problems);
  }

  private static boolean seekAudios(JsonParser p) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("audios") && value == JsonToken.START_ARRAY) {
        return true;
      }
      p.skipChildren();
    }
    return false;
  }

  private static void addAudio(Path json, long line, int index, JsonNode audio, Path audioRoot, String ext,
      Map<String, Writers> writers, List<InputException> problems) throws IOException {
    String where = "audios[" + index + "]";
    String aid = text(json, line, audio, "aid", where);
    String rel = text(json, line, audio, "path", where);
    if (ext != null) {
      int dot = rel.lastIndexOf('.');
      rel = (dot > rel.lastIndexOf('/') ? rel.substring(0, dot) : rel) + "." + ext;
    }
    String path = audioRoot.resolve(rel).toAbsolutePath().normalize().toString();
    JsonNode segments = audio.get("segments");
    if (segments == null || !segments.isArray()) {
      throw new InputException(json, (int) line, where + " (" + aid + "): missing field \"segments\"");
    }
    int si = 0;
    for (JsonNode seg : segments) {
      String w = where + ".segments[" + si++ + "]";
      String sid = text(json, line, seg, "sid", w);
      JsonNode b = seg.get("begin_time");
      JsonNode e = seg.get("end_time");
      String txt = seg.has("text") ? seg.get("text").asString().replaceAll("\\s+", " ").trim() : "";
      if (b == null || e == null || !b.isNumber() || !e.isNumber() || e.asDouble() <= b.asDouble()) {
        problems.add(new InputException(json, (int) line, w + " (" + sid + "): begin_time/end_time missing or not"
            + " increasing; segment left out"));
        continue;
      }
      if (txt.isEmpty()) {
        problems.add(new InputException(json, (int) line, w + " (" + sid + "): empty text; segment left out"));
        continue;
      }
      JsonNode subsets = seg.get("subsets");
      if (subsets == null) {
        continue;
      }
      for (JsonNode s : subsets) {
        Writers out = writers.get(s.asString());
        if (out != null) {
          out.add(aid, path, sid, b.asDouble(), e.asDouble(), txt);
        }
      }
    }
  }

  private static String text(Path json, long line, JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString() || v.asString().isBlank()) {
      throw new InputException(json, (int) line, where + ": missing field \"" + field + "\"");
    }
    return v.asString();
  }

  /**
   * The four files of one subset, written to FILE.tmp and renamed over FILE only when the whole
   * metadata file was read; wav.scp gets each long recording once.
   */
  private static final class Writers {
    private static final String[] FILES = {"wav.scp", "segments", "text", "utt2spk"};
    final Path dir;
    final BufferedWriter[] out = new BufferedWriter[FILES.length];
    String lastAid;
    int segments;

    Writers(Path dir) throws IOException {
      this.dir = dir;
      for (int i = 0; i < FILES.length; i++) {
        out[i] = Files.newBufferedWriter(tmp(FILES[i]), StandardCharsets.UTF_8);
      }
    }

    private Path tmp(String name) {
      return dir.resolve(name + ".tmp");
    }

    void add(String aid, String path, String sid, double begin, double end, String txt) throws IOException {
      if (!aid.equals(lastAid)) {
        out[0].write(aid + " " + path + "\n");
        lastAid = aid;
      }
      out[1].write(String.format(java.util.Locale.ROOT, "%s %s %.3f %.3f%n", sid, aid, begin, end));
      out[2].write(sid + " " + txt + "\n");
      out[3].write(sid + " " + aid + "\n"); // WenetSpeech has no speaker labels: one "speaker" per recording
      segments++;
    }

    void commit() throws IOException {
      close();
      for (String name : FILES) {
        Files.move(tmp(name), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    }

    void discard() throws IOException {
      close();
      for (String name : FILES) {
        Files.deleteIfExists(tmp(name));
      }
    }

    private void close() throws IOException {
      for (BufferedWriter w : out) {
        w.close();
      }
    }
  }
}
