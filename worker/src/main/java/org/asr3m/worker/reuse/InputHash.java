package org.asr3m.worker.reuse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over the named parts of a stage's inputs (data fingerprints, canonical recipe sections, upstream hashes). */
public final class InputHash {
  private InputHash() {}

  public static String of(String stage, String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(stage.getBytes(StandardCharsets.UTF_8));
      for (String p : parts) {
        // length-prefixed so that ("ab", "c") and ("a", "bc") differ
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        md.update(("\n" + b.length + ":").getBytes(StandardCharsets.UTF_8));
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
