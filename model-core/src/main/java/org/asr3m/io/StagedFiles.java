package org.asr3m.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Files of one directory replaced together: each is written under a temporary name next to its
 * final one, and only once all are complete does {@link #commit} rename them into place (each
 * rename atomic, in the order staged). Closing without a commit deletes the temporary files, so a
 * failure part-way leaves the previous files untouched and no final-named partial file.
 */
public final class StagedFiles implements AutoCloseable {
  private final Path dir;
  private final List<Path> names = new ArrayList<>();
  private boolean committed;

  public StagedFiles(Path dir) {
    this.dir = dir;
  }

  /** The temporary path to write {@code name} to. */
  public Path stage(String name) {
    Path finalPath = dir.resolve(name);
    if (names.contains(finalPath)) {
      throw new IllegalArgumentException(name + " staged twice");
    }
    names.add(finalPath);
    return temporary(finalPath);
  }

  /** Writes {@code text} (UTF-8) to the temporary path of {@code name}, forced to disk. */
  public void writeString(String name, String text) throws IOException {
    try (FileChannel ch = FileChannel.open(stage(name), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /** Renames every staged file over its final name, in the order staged. */
  public void commit() throws IOException {
    for (Path f : names) {
      Files.move(temporary(f), f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    committed = true;
    // the renames themselves survive a crash once the directory is on disk (not every platform can force one)
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  /** Deletes what was staged but not committed. */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    for (Path f : names) {
      try {
        Files.deleteIfExists(temporary(f));
      } catch (IOException e) {
        // the temporary name is never read; a later save overwrites it
      }
    }
  }

  private static Path temporary(Path finalPath) {
    return finalPath.resolveSibling(finalPath.getFileName() + ".tmp");
  }
}
