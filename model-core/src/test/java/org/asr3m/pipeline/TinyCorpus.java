package org.asr3m.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Subsets of the shipped tiny-cmn corpus written as data directories for quick pipeline tests. */
final class TinyCorpus {
  static final Path DATA = Path.of("../recipes/tiny-cmn/data").toAbsolutePath().normalize();

  private TinyCorpus() {}

  /**
   * Every {@code step}-th utterance of a tiny-cmn split, {@code n} of them (so several speakers),
   * in {@code out} with absolute audio paths.
   */
  static Path subset(String split, int n, int step, Path out) throws IOException {
    Path src = DATA.resolve(split);
    List<String> wav = Files.readAllLines(src.resolve("wav.scp"));
    List<String> text = Files.readAllLines(src.resolve("text"));
    StringBuilder w = new StringBuilder();
    StringBuilder t = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String[] f = wav.get(i * step).split("\\s+", 2);
      w.append(f[0]).append(' ').append(src.resolve(f[1]).normalize()).append('\n');
      t.append(text.get(i * step)).append('\n');
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("wav.scp"), w);
    Files.writeString(out.resolve("text"), t);
    return out;
  }
}
