package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a run's artefacts live: checkpoints, units, CMVN, hypotheses, logs. Keys are readable
 * paths ({@code runs/42/train/epoch_7/model.npz}); every object carries its SHA-256, which is
 * verified when it is read back. An object becomes visible only once it is complete, so a crash
 * during an upload never leaves a half-written artefact that a later step could pick up.
 */
public interface ArtifactStore {

  /** Uploads {@code file} under {@code key} (replacing an older object) and returns what was stored. */
  StoredArtifact put(String key, Path file) throws IOException;

  /** Stores a small in-memory object (a report, a log). */
  StoredArtifact put(String key, byte[] content) throws IOException;

  /** Downloads {@code key} into {@code file} (parents created), checking size and SHA-256. */
  StoredArtifact get(String key, Path file) throws IOException;

  /** Streams the whole object; the stream fails on close/EOF if the content does not match its SHA-256. */
  InputStream open(String key) throws IOException;

  /** Streams {@code length} bytes from {@code offset} (HTTP Range downloads); not verified, it is a part. */
  InputStream open(String key, long offset, long length) throws IOException;

  /** Metadata of {@code key}, or empty when there is no such object. */
  Optional<StoredArtifact> stat(String key) throws IOException;

  /** Every object whose key starts with {@code prefix}, in key order. */
  List<StoredArtifact> list(String prefix) throws IOException;

  /** Removes {@code key}; no error when it is absent. */
  void delete(String key) throws IOException;

  /** Uploads every regular file below {@code dir} as {@code prefix/<relative path>}. */
  List<StoredArtifact> putDirectory(String prefix, Path dir) throws IOException;

  /** Downloads every object below {@code prefix/} into {@code dir}, keeping relative paths. */
  List<StoredArtifact> getDirectory(String prefix, Path dir) throws IOException;

  /** A human-readable location for logs and the README ({@code s3://bucket/prefix}, {@code /var/asr3m/artifacts}). */
  String describe();
}
