package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 helpers: new digests, lower-case hex, streaming hash of a file. */
public final class Sha256 {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  static final int BUFFER_SIZE = 64 * 1024;

  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Hash of {@code content}, lower-case hex. */
  public static String of(byte[] content) {
    MessageDigest d = newDigest();
    d.update(content);
    return hex(d);
  }

  /** Hash of a file, read in a fixed-size buffer whatever its size. */
  public static String of(Path file) throws IOException {
    MessageDigest d = newDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        d.update(buffer, 0, n);
      }
    }
    return hex(d);
  }

  /** Returns {@code sha256} if it is 64 lower-case hex digits (upper case is normalised), else throws. */
  public static String requireHex(String sha256, String what) {
    String h = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    if (h == null || !HEX.matcher(h).matches()) {
      throw new IllegalArgumentException(what + " must be 64 hex digits, got '" + sha256 + "'");
    }
    return h;
  }
}
