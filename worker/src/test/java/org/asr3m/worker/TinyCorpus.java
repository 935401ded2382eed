package org.asr3m.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small Kaldi data directories cut from the shipped tiny-cmn corpus (real espeak-ng speech):
 * the first N utterances of its train, dev and test sets, with absolute audio paths.
 */
public final class TinyCorpus {
  private TinyCorpus() {}

  public static Path repoRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("recipes/tiny-cmn"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("recipes/tiny-cmn not found above " + System.getProperty("user.dir"));
    }
    return p;
  }

  public static Path recipe(String name) {
    return repoRoot().resolve("worker/src/test/resources/recipes").resolve(name);
  }

  /** Writes {@code out/train}, {@code out/dev}, {@code out/test} with the given numbers of utterances. */
  public static Path create(Path out, int train, int dev, int test) throws IOException {
    Path src = repoRoot().resolve("recipes/tiny-cmn/data");
    subset(src.resolve("train"), out.resolve("train"), train);
    subset(src.resolve("dev"), out.resolve("dev"), dev);
    subset(src.resolve("test"), out.resolve("test"), test);
    return out;
  }

  static void subset(Path from, Path to, int n) throws IOException {
    Map<String, String> wav = read(from.resolve("wav.scp"));
    Map<String, String> text = read(from.resolve("text"));
    List<String> ids = new ArrayList<>(wav.keySet()).subList(0, Math.min(n, wav.size()));
    Files.createDirectories(to);
    StringBuilder w = new StringBuilder();
    StringBuilder t = new StringBuilder();
    for (String id : ids) {
      Path audio = from.resolve(wav.get(id)).normalize().toAbsolutePath();
      w.append(id).append(' ').append(audio).append('\n');
      t.append(id).append(' ').append(text.get(id)).append('\n');
    }
    Files.writeString(to.resolve("wav.scp"), w, StandardCharsets.UTF_8);
    Files.writeString(to.resolve("text"), t, StandardCharsets.UTF_8);
  }

  private static Map<String, String> read(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] p = line.strip().split("\\s+", 2);
      if (p.length == 2) {
        out.put(p[0], p[1]);
      }
    }
    return out;
  }
}
