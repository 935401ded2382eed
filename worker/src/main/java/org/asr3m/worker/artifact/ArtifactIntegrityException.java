package org.asr3m.worker.artifact;

import java.io.IOException;

/**
 * An artefact's bytes do not match the SHA-256 (or size) recorded with it: the object was damaged,
 * overwritten behind the store's back, or a source changed while it was being stored.
 */
public class ArtifactIntegrityException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String expectedSha256;
  private final String actualSha256;

  public ArtifactIntegrityException(String key, String expectedSha256, String actualSha256, String message) {
    super(message);
    this.key = key;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  public String key() {
    return key;
  }

  /** The recorded hash, or null when the object has none. */
  public String expectedSha256() {
    return expectedSha256;
  }

  /** The hash of the bytes actually read, or null when reading stopped before it could be computed. */
  public String actualSha256() {
    return actualSha256;
  }
}
