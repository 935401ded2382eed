package org.asr3m.shards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.Fixtures;

/** A Kaldi data directory of the three fixture utterances repeated under new ids, for shard and CLI tests. */
public final class TinyCorpus {
  public static final String[] TEXTS = {"今天天气很好", "我们去北京", "你好"};

  private TinyCorpus() {}

  public static List<String> texts() {
    return List.of(TEXTS);
  }

  /** {@code copies} × 3 utterances u{copy}_{n}, whole files. */
  public static Path dataDir(Path dir, int copies) throws Exception {
    Files.createDirectories(dir);
    StringBuilder wav = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int c = 0; c < copies; c++) {
      for (int i = 1; i <= 3; i++) {
        String id = String.format("u%03d_%d", c, i);
        wav.append(id).append(' ').append(Fixtures.path("audio/utt" + i + ".wav")).append('\n');
        text.append(id).append(' ').append(TEXTS[i - 1]).append('\n');
      }
    }
    Files.writeString(dir.resolve("wav.scp"), wav);
    Files.writeString(dir.resolve("text"), text);
    return dir;
  }
}
