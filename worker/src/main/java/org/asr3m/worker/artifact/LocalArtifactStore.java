package org.asr3m.worker.artifact;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Artefacts in a local directory, readable as plain files: key {@code runs/1/train/model.npz} is
 * the file {@code <root>/runs/1/train/model.npz}.
 *
 * <p>Beside the objects, {@code <root>/.asr3m/meta/<key>} holds "{@code <sha256> <size>}" and is
 * the commit record: an object exists exactly when its metadata file does. A put writes the data
 * to {@code <root>/.asr3m/tmp/} (same file system), syncs it, then moves the old metadata aside,
 * renames the data into place and renames the new metadata into place. A crash therefore leaves
 * either the old object, the new one, or (in the instant between the renames) no object — never a
 * partial or unverifiable one. Temporary files older than a day, left by crashed writers, are
 * removed when a store is opened.
 */
public final class LocalArtifactStore implements ArtifactStore {

  private static final Duration STALE_TEMPORARY = Duration.ofDays(1);

  private final Path root;
  private final Path metaRoot;
  private final Path tmpRoot;

  /** Opens (creating it if needed) the store rooted at {@code root}. */
  public LocalArtifactStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Path internal = this.root.resolve(ArtifactKeys.RESERVED_SEGMENT);
    this.metaRoot = internal.resolve("meta");
    this.tmpRoot = internal.resolve("tmp");
    try {
      Files.createDirectories(metaRoot);
      Files.createDirectories(tmpRoot);
    } catch (IOException e) {
      throw new IOException("cannot create the local artefact store at " + this.root + ": " + e, e);
    }
    removeStaleTemporaries();
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  @Override
  public StoredArtifact put(String key, Path file) throws IOException {
    ArtifactKeys.requireValidKey(key);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "not a regular file (to be stored as '" + key + "')");
    }
    Path temp = Files.createTempFile(tmpRoot, "put-", ".tmp");
    try {
      MessageDigest digest = Sha256.newDigest();
      long size;
      try (InputStream in = Files.newInputStream(file)) {
        size = writeSynced(in, temp, digest);
      }
      return commit(key, temp, Sha256.hex(digest), size);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public StoredArtifact put(String key, InputStream content, long size, String sha256) throws IOException {
    ArtifactKeys.requireValidKey(key);
    String expected = Sha256.requireHex(sha256, "SHA-256 of artefact '" + key + "'");
    if (size < 0) {
      throw new IllegalArgumentException("size of artefact '" + key + "' must not be negative: " + size);
    }
    Path temp = Files.createTempFile(tmpRoot, "put-", ".tmp");
    try {
      // Not closed: the caller owns the stream. Reading to the end makes it verify size and hash.
      VerifyingInputStream verified =
          new VerifyingInputStream(content, size, expected, key, "content given for artefact '" + key + "'");
      writeSynced(verified, temp, Sha256.newDigest());
      return commit(key, temp, expected, size);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public StoredArtifact get(String key, Path file) throws IOException {
    StoredArtifact meta = requireMeta(key);
    try (InputStream in = openVerified(key, meta)) {
      DownloadedFile.write(in, file);
    }
    return meta;
  }

  @Override
  public InputStream open(String key) throws IOException {
    return openVerified(key, requireMeta(key));
  }

  @Override
  public InputStream open(String key, long offset, long length) throws IOException {
    StoredArtifact meta = requireMeta(key);
    if (offset < 0 || length < 0 || offset > meta.size()) {
      throw new IllegalArgumentException(
          "range offset " + offset + ", length " + length + " is outside artefact '" + key + "' of "
              + meta.size() + " bytes");
    }
    SeekableByteChannel channel = Files.newByteChannel(dataPath(key));
    try {
      channel.position(offset);
      return new LimitedInputStream(Channels.newInputStream(channel), Math.min(length, meta.size() - offset));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public Optional<StoredArtifact> stat(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    return readMeta(key, metaPath(key));
  }

  @Override
  public List<StoredArtifact> list(String prefix) throws IOException {
    ArtifactKeys.requireValidPrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? metaRoot : metaRoot.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<StoredArtifact> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(start)) {
      for (Path meta : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String key = toKey(metaRoot.relativize(meta));
        if (key.startsWith(prefix)) {
          readMeta(key, meta).ifPresent(found::add);
        }
      }
    }
    found.sort(Comparator.comparing(StoredArtifact::key));
    return found;
  }

  @Override
  public void delete(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    Path meta = metaPath(key);
    if (Files.isRegularFile(meta)) {
      Files.delete(meta); // the object is gone from here on
    }
    Path data = dataPath(key);
    if (Files.isRegularFile(data)) {
      Files.delete(data);
    }
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public String toString() {
    return "LocalArtifactStore[" + root + "]";
  }

  // --- writing ---

  /** Copies {@code in} to {@code temp} through a fixed buffer, hashing it, and syncs it to disk. */
  private static long writeSynced(InputStream in, Path temp, MessageDigest digest) throws IOException {
    byte[] buffer = new byte[Sha256.BUFFER_SIZE];
    long size = 0;
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = Channels.newOutputStream(channel);
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
      channel.force(true);
    }
    return size;
  }

  /** Publishes a complete, synced temporary file under {@code key}; see the class comment for the order. */
  private StoredArtifact commit(String key, Path temp, String sha256, long size) throws IOException {
    Path data = dataPath(key);
    Path meta = metaPath(key);
    prepareParent(key, data);
    prepareParent(key, meta);
    if (Files.isDirectory(data)) {
      throw new FileAlreadyExistsException(
          data.toString(), null, "cannot store artefact '" + key + "' in " + root + ": other artefacts are stored below '" + key + "/'");
    }
    Path metaTemp = Files.createTempFile(tmpRoot, "meta-", ".tmp");
    try {
      writeSynced(
          new ByteArrayInputStream((sha256 + " " + size + "\n").getBytes(StandardCharsets.US_ASCII)),
          metaTemp, Sha256.newDigest());
      // Withdraw the old object (its metadata moves aside, so it can come back if the data rename fails).
      Path oldMeta = null;
      if (Files.isRegularFile(meta)) {
        oldMeta = tmpRoot.resolve(metaTemp.getFileName() + ".old");
        Files.move(meta, oldMeta, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(temp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        if (oldMeta != null) {
          Files.move(oldMeta, meta, StandardCopyOption.ATOMIC_MOVE);
        }
        throw new IOException("cannot store artefact '" + key + "' in " + root + ": renaming " + temp + " to " + data
            + " failed (" + e + ")", e);
      }
      Files.move(metaTemp, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (oldMeta != null) {
        Files.delete(oldMeta);
      }
    } finally {
      Files.deleteIfExists(metaTemp);
    }
    syncDirectory(data.getParent());
    syncDirectory(meta.getParent());
    return new StoredArtifact(key, size, sha256);
  }

  /** Creates the parent directories of {@code path}, naming the artefact that is in the way if one is. */
  private void prepareParent(String key, Path path) throws IOException {
    try {
      Files.createDirectories(path.getParent());
    } catch (FileAlreadyExistsException e) {
      Path dir = path.getParent();
      while (dir != null && !Files.isRegularFile(dir)) {
        dir = dir.getParent();
      }
      String blocking = dir == null ? e.getFile() : toKey((path.startsWith(metaRoot) ? metaRoot : root).relativize(dir));
      throw new FileAlreadyExistsException(
          e.getFile(), null, "cannot store artefact '" + key + "' in " + root + ": '" + blocking + "' is an artefact, not a directory");
    }
  }

  /** Makes renames in {@code dir} durable; a no-op where directories cannot be synced (Windows). */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not supported on this platform; the rename itself is still atomic.
    }
  }

  private void removeStaleTemporaries() throws IOException {
    Instant cutoff = Instant.now().minus(STALE_TEMPORARY);
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmpRoot)) {
      for (Path t : temps) {
        if (Files.isRegularFile(t) && Files.getLastModifiedTime(t).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(t);
        }
      }
    }
  }

  // --- reading ---

  private StoredArtifact requireMeta(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    return readMeta(key, metaPath(key)).orElseThrow(() -> new ArtifactNotFoundException(root.toString(), key));
  }

  private Optional<StoredArtifact> readMeta(String key, Path meta) throws IOException {
    String text;
    try {
      text = Files.readString(meta, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (Files.isDirectory(meta)) {
        return Optional.empty(); // key is a prefix of other keys, not an object
      }
      throw e;
    }
    String[] fields = text.split(" ");
    try {
      if (fields.length != 2) {
        throw new IllegalArgumentException("expected '<sha256> <size>'");
      }
      String sha = Sha256.requireHex(fields[0], "SHA-256");
      long size = Long.parseLong(fields[1]);
      return Optional.of(new StoredArtifact(key, size, sha));
    } catch (IllegalArgumentException e) {
      throw new ArtifactIntegrityException(
          key, null, null, "metadata file " + meta + " of artefact '" + key + "' is damaged (" + e.getMessage() + "): '" + text + "'");
    }
  }

  private InputStream openVerified(String key, StoredArtifact meta) throws IOException {
    Path data = dataPath(key);
    long actualSize;
    try {
      actualSize = Files.size(data);
    } catch (NoSuchFileException e) {
      throw new ArtifactIntegrityException(
          key, meta.sha256(), null, "artefact '" + key + "' in " + root + " has metadata but its data file " + data + " is missing");
    }
    if (actualSize != meta.size()) {
      throw new ArtifactIntegrityException(
          key, meta.sha256(), null,
          "artefact '" + key + "' in " + root + " is " + actualSize + " bytes, but " + meta.size() + " were stored");
    }
    return new VerifyingInputStream(
        Files.newInputStream(data), meta.size(), meta.sha256(), key, "artefact '" + key + "' in " + root);
  }

  // --- paths ---

  private Path dataPath(String key) {
    return under(root, key);
  }

  private Path metaPath(String key) {
    return under(metaRoot, key);
  }

  private static Path under(Path base, String key) {
    Path p = base;
    for (String segment : key.split("/")) {
      p = p.resolve(segment);
    }
    return p;
  }

  private static String toKey(Path relative) {
    StringBuilder b = new StringBuilder();
    for (Path segment : relative) {
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(segment);
    }
    return b.toString();
  }

  /** At most {@code remaining} bytes of a stream: one HTTP Range. */
  private static final class LimitedInputStream extends FilterInputStream {
    private long remaining;

    LimitedInputStream(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
