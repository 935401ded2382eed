package org.asr3m.shards;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes one shard: a tar of {@code <key>.<wav|flac>} and {@code <key>.txt} per utterance (the order
 * WeNet's reader groups by), under a temporary name renamed into place by {@link #commit()}, so a shard
 * file that exists is complete.
 */
public final class ShardWriter implements AutoCloseable {
  private final Path target;
  private final Path partial;
  private final TarArchiveOutputStream tar;
  private boolean committed;

  public ShardWriter(Path target) throws IOException {
    this.target = target;
    this.partial = target.resolveSibling(target.getFileName() + ".part");
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
    this.tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX); // long utterance ids
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** Adds one utterance; {@code audioExt} is "wav" or "flac". */
  public void add(String key, String audioExt, byte[] audio, String text) throws IOException {
    put(key + ".txt", text.getBytes(StandardCharsets.UTF_8));
    put(key + "." + audioExt, audio);
  }

  private void put(String name, byte[] bytes) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setModTime(0); // same input, same bytes
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /** Finishes the archive and renames it into place. */
  public void commit() throws IOException {
    tar.finish();
    tar.close();
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      tar.close();
      Files.deleteIfExists(partial);
    }
  }
}
