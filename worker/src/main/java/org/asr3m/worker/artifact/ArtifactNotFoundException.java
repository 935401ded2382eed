package org.asr3m.worker.artifact;

import java.nio.file.NoSuchFileException;

/** No object is stored under the requested key (a {@link NoSuchFileException}, so callers may treat it as one). */
public class ArtifactNotFoundException extends NoSuchFileException {

  private static final long serialVersionUID = 1L;

  private final String key;

  public ArtifactNotFoundException(String store, String key) {
    super(key, null, "no artefact '" + key + "' in " + store);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
