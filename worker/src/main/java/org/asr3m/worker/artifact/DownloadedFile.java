package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a verified download beside its destination and renames it into place only when complete. */
final class DownloadedFile {

  private DownloadedFile() {}

  /**
   * Copies {@code in} (read to its end, so a {@link VerifyingInputStream} checks it) to {@code file}
   * through a temporary sibling; on any failure the temporary file is removed and {@code file} is
   * left as it was. Returns the number of bytes written.
   */
  static long write(InputStream in, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
    try {
      long size;
      try (OutputStream out = Files.newOutputStream(temp)) {
        size = in.transferTo(out);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return size;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
