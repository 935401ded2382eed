package org.asr3m.shards;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.io.InputException;

/**
 * A shard list as WeNet's {@code tools/make_shard_list.py} writes it ({@code data.list} with
 * {@code data_type: shard}): one shard per line, a local path or a URL. Relative paths are resolved
 * against the list's directory, so shards and list can be moved together.
 */
public final class ShardList {
  private ShardList() {}

  public static List<String> read(Path list) {
    List<String> lines;
    try {
      lines = Files.readAllLines(list, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(list, "shard list not found");
    } catch (IOException e) {
      throw new InputException(list, 0, "cannot read shard list: " + e.getMessage(), e);
    }
    List<String> shards = new ArrayList<>();
    Path base = list.toAbsolutePath().getParent();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.contains(" ") || line.contains("\t")) {
        throw new InputException(list, i + 1, "expected one shard path or URL per line, got '" + line + "'");
      }
      shards.add(UrlShardSource.scheme(line) != null ? line : base.resolve(line).normalize().toString());
    }
    if (shards.isEmpty()) {
      throw new InputException(list, "shard list names no shards");
    }
    return List.copyOf(shards);
  }

  /** Whether {@code path} is a shard list (a file) rather than a Kaldi data directory. */
  public static boolean isShardList(Path path) {
    return Files.isRegularFile(path);
  }
}
