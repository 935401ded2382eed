package org.asr3m.platform.dataset;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;

/**
 * Unpacks an uploaded data set archive (.tar.gz, .tgz, .tar or .zip, recognised by content) into a
 * directory, streaming entry by entry. Entries that would land outside the directory (absolute
 * paths, {@code ..}) and links are refused, so an archive cannot write anywhere else.
 */
final class ArchiveExtractor {
  private ArchiveExtractor() {}

  /** Extracts {@code in} into {@code dir} and returns the data directory inside (the one with wav.scp). */
  static Path extract(InputStream in, Path dir, String fileName) throws IOException {
    BufferedInputStream b = new BufferedInputStream(in, 64 * 1024);
    b.mark(4);
    int m0 = b.read();
    int m1 = b.read();
    b.reset();
    List<FieldError> problems = new ArrayList<>();
    try (ArchiveInputStream<? extends ArchiveEntry> archive = open(b, m0, m1, fileName)) {
      ArchiveEntry e;
      while ((e = archive.getNextEntry()) != null) {
        String name = e.getName().replace('\\', '/');
        Path target = dir.resolve(name).normalize();
        if (name.startsWith("/") || !target.startsWith(dir) || target.equals(dir) && !e.isDirectory()) {
          problems.add(new FieldError(fileName, null, "archive entry '" + name + "' points outside the archive"));
          continue;
        }
        if (e instanceof TarArchiveEntry t && (t.isSymbolicLink() || t.isLink())) {
          problems.add(new FieldError(fileName, null, "archive entry '" + name + "' is a link; store the file itself"));
          continue;
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (!archive.canReadEntryData(e)) {
          problems.add(new FieldError(fileName, null, "archive entry '" + name + "' uses an unsupported zip feature"));
          continue;
        }
        Files.createDirectories(target.getParent());
        Files.copy(archive, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      problems.add(new FieldError(fileName, null, "not a readable .tar.gz, .tar or .zip archive: " + e.getMessage()));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException("the archive " + fileName + " cannot be unpacked", problems);
    }
    return dataRoot(dir, fileName);
  }

  private static ArchiveInputStream<? extends ArchiveEntry> open(InputStream in, int m0, int m1, String fileName)
      throws IOException {
    if (m0 == 0x1f && m1 == 0x8b) {
      return new TarArchiveInputStream(new GzipCompressorInputStream(in));
    }
    if (m0 == 'P' && m1 == 'K') {
      return new ZipArchiveInputStream(in);
    }
    if (m0 < 0) {
      throw new IOException("the upload is empty");
    }
    return new TarArchiveInputStream(in);
  }

  /** wav.scp at the top, or in the one directory the archive holds. */
  private static Path dataRoot(Path dir, String fileName) throws IOException {
    if (Files.isRegularFile(dir.resolve("wav.scp"))) {
      return dir;
    }
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
    if (children.size() == 1 && Files.isDirectory(children.get(0))
        && Files.isRegularFile(children.get(0).resolve("wav.scp"))) {
      return children.get(0);
    }
    throw new ValidationException("the archive " + fileName + " holds no data directory", List.of(new FieldError(
        "wav.scp", null, "missing: the archive needs wav.scp (with text, optional segments and utt2spk, and the"
            + " audio) at its top level or in a single top directory")));
  }
}
