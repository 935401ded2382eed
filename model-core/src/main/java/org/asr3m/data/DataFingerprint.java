package org.asr3m.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.asr3m.io.InputException;

/**
 * The content identity of a Kaldi data directory, for reusing a stage whose inputs did not change:
 * SHA-256 over {@code wav.scp}, {@code text} and {@code segments} (each when present, absent ones
 * marked as such) and the byte size of every audio file listed in {@code wav.scp}, in its order.
 * Audio is not read (a corpus of thousands of hours hashes in seconds), so a file rewritten with
 * the same size goes unnoticed; every other edit changes the fingerprint. Paths are hashed as
 * written, so a copy of a directory with relative paths elsewhere has the same fingerprint.
 */
public final class DataFingerprint {
  private DataFingerprint() {}

  /** Lower-case hex SHA-256; a missing directory, wav.scp or audio file is an error naming it. */
  public static String of(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      throw new InputException(dataDir, "data directory not found");
    }
    Path wavScp = dataDir.resolve("wav.scp");
    if (!Files.isRegularFile(wavScp)) {
      throw new InputException(wavScp, "missing: a data directory needs wav.scp");
    }
    MessageDigest sha = sha256();
    for (String name : new String[] {"wav.scp", "text", "segments"}) {
      Path file = dataDir.resolve(name);
      byte[] bytes = Files.isRegularFile(file) ? read(file) : null;
      // length-prefixed sections, so moving bytes from one file to another changes the hash
      update(sha, name + (bytes == null ? " absent" : " " + bytes.length) + "\n");
      if (bytes != null) {
        sha.update(bytes);
      }
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(wavScp, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(wavScp, 0, "cannot read: " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+", 2);
      if (f.length < 2) {
        throw new InputException(wavScp, i + 1, f[0] + ": line has an id but no audio path");
      }
      if (f[1].endsWith("|")) {
        throw new InputException(wavScp, i + 1, "recording " + f[0] + ": command pipes are not supported");
      }
      Path audio = dataDir.resolve(f[1]);
      long size;
      try {
        size = Files.size(audio);
      } catch (NoSuchFileException e) {
        throw new InputException(wavScp, i + 1, "recording " + f[0] + ": audio file " + audio + " not found");
      } catch (IOException e) {
        throw new InputException(wavScp, i + 1, "recording " + f[0] + ": cannot stat " + audio + ": " + e.getMessage(),
            e);
      }
      update(sha, f[0] + " " + size + "\n");
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void update(MessageDigest sha, String s) {
    sha.update(s.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
