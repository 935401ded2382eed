package org.asr3m.worker.artifact;

import java.nio.charset.StandardCharsets;

/**
 * The rules every artefact key follows, whichever store holds it: relative, '/'-separated, no empty,
 * "." or ".." segments, no backslashes or control characters, and within S3's and file systems'
 * length limits. The same key therefore names the same thing in a local directory and in a bucket,
 * and can never escape the store's root.
 */
public final class ArtifactKeys {

  /** S3's limit on an object name, in UTF-8 bytes. */
  static final int MAX_KEY_BYTES = 1024;
  /** NAME_MAX of common file systems, in bytes. */
  static final int MAX_SEGMENT_BYTES = 255;
  /** First segment reserved for the local store's metadata and temporary files. */
  static final String RESERVED_SEGMENT = ".asr3m";

  private ArtifactKeys() {}

  /** Returns {@code key} unchanged, or throws {@link IllegalArgumentException} saying what is wrong with it. */
  public static String requireValidKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("artefact key must not be empty");
    }
    checkCharactersAndLength(key, "key");
    if (key.startsWith("/")) {
      throw new IllegalArgumentException("artefact key '" + key + "' must be relative (no leading '/')");
    }
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      checkSegment(key, segments[i], i);
    }
    return key;
  }

  /**
   * Returns {@code prefix} unchanged, or throws. A prefix is a key, an empty string (everything),
   * a key followed by '/' or a key whose last segment is incomplete ({@code runs/4} matches
   * {@code runs/42/...}), as in S3 listings.
   */
  public static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("artefact prefix must not be null (use \"\" for all objects)");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String withoutSlash = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (withoutSlash.isEmpty()) {
      throw new IllegalArgumentException("artefact prefix '/' is not relative; use \"\" for all objects");
    }
    try {
      requireValidKey(withoutSlash);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid artefact prefix '" + prefix + "': " + e.getMessage(), e);
    }
    return prefix;
  }

  /** A directory-like prefix without its trailing '/': {@code runs/1/units/} becomes {@code runs/1/units}. */
  static String directoryPrefix(String prefix) {
    String p = prefix != null && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    try {
      return requireValidKey(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid artefact directory prefix '" + prefix + "': " + e.getMessage(), e);
    }
  }

  private static void checkCharactersAndLength(String key, String what) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "artefact " + what + " '" + printable(key) + "' contains control character U+"
                + String.format("%04X", (int) c) + " at index " + i);
      }
      if (c == '\\') {
        throw new IllegalArgumentException(
            "artefact " + what + " '" + key + "' contains '\\' at index " + i + "; separate segments with '/'");
      }
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "artefact " + what + " is " + bytes + " bytes long in UTF-8, more than " + MAX_KEY_BYTES + ": '"
              + key.substring(0, 64) + "...'");
    }
  }

  private static void checkSegment(String key, String segment, int index) {
    if (segment.isEmpty()) {
      throw new IllegalArgumentException(
          "artefact key '" + key + "' has an empty segment (segment " + (index + 1) + "; check for '//' or a trailing '/')");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw new IllegalArgumentException("artefact key '" + key + "' must not contain a '" + segment + "' segment");
    }
    if (index == 0 && segment.equals(RESERVED_SEGMENT)) {
      throw new IllegalArgumentException(
          "artefact key '" + key + "' starts with '" + RESERVED_SEGMENT + "/', which is reserved for the store's own files");
    }
    int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "artefact key '" + key + "' has a segment of " + bytes + " bytes, more than " + MAX_SEGMENT_BYTES);
    }
  }

  private static String printable(String key) {
    StringBuilder b = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
