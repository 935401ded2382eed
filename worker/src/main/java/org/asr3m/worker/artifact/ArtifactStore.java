package org.asr3m.worker.artifact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a run's artefacts live: checkpoints, units, CMVN, hypotheses, logs. Keys are readable
 * paths ({@code runs/42/train/epoch_7/model.npz}) following {@link ArtifactKeys}; every object
 * carries its SHA-256, which is verified when it is read back. An object becomes visible only once
 * it is complete, so a crash during an upload never leaves a half-written artefact that a later
 * step could pick up; a failed upload leaves an earlier object under the same key as it was.
 *
 * <p>All transfers stream through fixed-size buffers: memory does not grow with object size.
 * Writers of one key are expected to be one at a time (one stage owns its keys).
 *
 * <p>Errors: invalid keys throw {@link IllegalArgumentException} naming the key and the rule;
 * missing objects {@link ArtifactNotFoundException}; content that does not match its SHA-256 or
 * size {@link ArtifactIntegrityException}; anything else an {@link IOException} naming the key and
 * the store.
 */
public interface ArtifactStore {

  /** Uploads {@code file} under {@code key} (replacing an older object) and returns what was stored. */
  StoredArtifact put(String key, Path file) throws IOException;

  /**
   * Stores exactly {@code size} bytes read from {@code content} (not closed), whose SHA-256 the
   * caller already knows (e.g. hashed while writing them). If the stream fails, ends early, is
   * longer, or hashes differently, nothing becomes visible under {@code key} and the error is
   * rethrown ({@link ArtifactIntegrityException} for a mismatch).
   */
  StoredArtifact put(String key, InputStream content, long size, String sha256) throws IOException;

  /** Stores a small in-memory object (a report, a log). */
  default StoredArtifact put(String key, byte[] content) throws IOException {
    return put(key, new ByteArrayInputStream(content), content.length, Sha256.of(content));
  }

  /**
   * Downloads {@code key} into {@code file} (parents created), checking size and SHA-256. The file
   * is written beside its destination and renamed into place once verified: a damaged object never
   * leaves a file at {@code file}.
   */
  StoredArtifact get(String key, Path file) throws IOException;

  /**
   * Streams the whole object. The stream throws {@link ArtifactIntegrityException} from the read
   * that reaches the end when the content does not match its size or SHA-256, so a reader that
   * consumes it to the end never takes damaged bytes for good ones. A reader that stops early
   * gets no verification.
   */
  InputStream open(String key) throws IOException;

  /**
   * Streams up to {@code length} bytes from {@code offset} (HTTP Range downloads), fewer when the
   * object ends first; {@code offset} may equal the size (empty range). Not verified: it is a part.
   *
   * @throws IllegalArgumentException when offset or length is negative or offset is beyond the end
   */
  InputStream open(String key, long offset, long length) throws IOException;

  /** Metadata of {@code key}, or empty when there is no such object. */
  Optional<StoredArtifact> stat(String key) throws IOException;

  /**
   * Every object whose key starts with {@code prefix} (see {@link ArtifactKeys#requireValidPrefix}),
   * in key order; {@code ""} lists everything.
   */
  List<StoredArtifact> list(String prefix) throws IOException;

  /** Removes {@code key}; no error when it is absent. */
  void delete(String key) throws IOException;

  /**
   * Uploads every regular file below {@code dir} as {@code prefix/<relative path>}, in path order.
   * Each file is its own object: a crash part-way leaves some files stored, each complete.
   */
  default List<StoredArtifact> putDirectory(String prefix, Path dir) throws IOException {
    String base = ArtifactKeys.directoryPrefix(prefix);
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir + " (to be stored under '" + base + "/' in " + describe() + ")");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<StoredArtifact> stored = new ArrayList<>(files.size());
    for (Path f : files) {
      StringBuilder key = new StringBuilder(base);
      for (Path segment : dir.relativize(f)) {
        key.append('/').append(segment);
      }
      stored.add(put(key.toString(), f));
    }
    return stored;
  }

  /**
   * Downloads every object below {@code prefix/} into {@code dir}, keeping relative paths; an empty
   * list when there is none.
   */
  default List<StoredArtifact> getDirectory(String prefix, Path dir) throws IOException {
    String base = ArtifactKeys.directoryPrefix(prefix) + "/";
    List<StoredArtifact> objects = list(base);
    List<StoredArtifact> fetched = new ArrayList<>(objects.size());
    for (StoredArtifact a : objects) {
      // Validate the relative part too: a bucket may hold names this store would never write.
      String relative = ArtifactKeys.requireValidKey(a.key().substring(base.length()));
      fetched.add(get(a.key(), dir.resolve(relative)));
    }
    return fetched;
  }

  /** A human-readable location for logs and the README ({@code s3://bucket/prefix}, {@code /var/asr3m/artifacts}). */
  String describe();
}
