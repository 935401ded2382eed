package org.asr3m.worker.artifact;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * Artefacts in an S3 bucket (AWS, MinIO, Ceph, S3Proxy…) through the MinIO Java SDK. Key
 * {@code runs/1/train/model.npz} is object {@code <prefix>/runs/1/train/model.npz}.
 *
 * <p>Objects larger than the part size are sent as a multipart upload, one part buffered at a
 * time (memory = part size): S3 shows the object only when the upload completes, and the SDK
 * aborts the upload when a part fails, so an interrupted upload leaves no object and an earlier
 * one under the key intact. (A killed process cannot abort; a bucket lifecycle rule
 * "AbortIncompleteMultipartUpload" reclaims such parts.) The SHA-256 is stored as user metadata
 * {@code x-amz-meta-sha256}: S3 needs it before the first byte, so a file is hashed in a first
 * streaming pass, and the upload pass hashes again and fails (before completing) if the file
 * changed in between. Reads verify size and hash.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {

  /** S3's limits on multipart uploads. */
  static final long MIN_PART_SIZE = 5L << 20;
  static final long MAX_PART_SIZE = 5L << 30;
  static final int MAX_PARTS = 10_000;

  static final String SHA256_METADATA = "sha256";
  private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject", "NotFound");

  /**
   * Connection and layout of the store.
   *
   * @param endpoint e.g. {@code http://127.0.0.1:9000} or {@code https://s3.eu-west-1.amazonaws.com}
   * @param region null to let the SDK ask the server
   * @param prefix key prefix inside the bucket, "" for none (no leading or trailing '/')
   * @param partSize bytes per multipart part (5 MiB to 5 GiB); raised when an object would need
   *     more than 10,000 parts
   * @param createBucket create the bucket when it does not exist (otherwise that is an error)
   */
  public record Config(
      String endpoint,
      String accessKey,
      String secretKey,
      String region,
      String bucket,
      String prefix,
      long partSize,
      boolean createBucket) {

    /** Without the secret key, so a logged configuration does not leak it. */
    @Override
    public String toString() {
      return "Config[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? null : "***")
          + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix + ", partSize=" + partSize
          + ", createBucket=" + createBucket + "]";
    }
  }

  private final MinioClient client;
  private final String bucket;
  private final String prefix;
  private final long partSize;
  private final String location;

  /** Connects, checks (or creates) the bucket, and fails with the reason when it cannot. */
  public S3ArtifactStore(Config config) throws IOException {
    this(config, null);
  }

  /**
   * As {@link #S3ArtifactStore(Config)}, over the caller's HTTP client (own timeouts, proxy, TLS
   * trust, or an interceptor that observes the requests); null for the SDK's default. The store
   * closes it on {@link #close()}.
   */
  public S3ArtifactStore(Config config, OkHttpClient httpClient) throws IOException {
    if (config.endpoint() == null || config.endpoint().isBlank()) {
      throw new IllegalArgumentException("S3 artefact store: endpoint is required");
    }
    if (config.bucket() == null || config.bucket().isBlank()) {
      throw new IllegalArgumentException("S3 artefact store: bucket is required");
    }
    if (config.partSize() < MIN_PART_SIZE || config.partSize() > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "S3 artefact store: part size " + config.partSize() + " is outside S3's limits ["
              + MIN_PART_SIZE + ", " + MAX_PART_SIZE + "] bytes");
    }
    String p = config.prefix() == null ? "" : config.prefix();
    if (!p.isEmpty()) {
      try {
        ArtifactKeys.requireValidKey(p);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("S3 artefact store: invalid prefix: " + e.getMessage(), e);
      }
    }
    this.bucket = config.bucket();
    this.prefix = p;
    this.partSize = config.partSize();
    this.location = "s3://" + bucket + (p.isEmpty() ? "" : "/" + p) + " at " + config.endpoint();
    try {
      MinioClient.Builder builder = MinioClient.builder().endpoint(config.endpoint());
      if (config.accessKey() != null && !config.accessKey().isEmpty()) {
        builder.credentials(config.accessKey(), config.secretKey());
      }
      if (config.region() != null && !config.region().isBlank()) {
        builder.region(config.region());
      }
      if (httpClient != null) {
        builder.httpClient(httpClient, true);
      }
      this.client = builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("S3 artefact store: invalid endpoint or region in " + config + ": " + e.getMessage(), e);
    }
    try {
      ensureBucket(config.createBucket());
    } catch (IOException | RuntimeException e) {
      close(); // release the HTTP client's threads and connections
      throw e;
    }
  }

  private void ensureBucket(boolean create) throws IOException {
    boolean exists;
    try {
      exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      throw bucketFailure("check", e);
    }
    if (exists) {
      return;
    }
    if (!create) {
      throw new IOException("S3 artefact store: bucket '" + bucket + "' does not exist in " + location
          + " (create it, or set asr3m.artifacts.s3.create-bucket=true)");
    }
    try {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      ErrorResponseException r = org.asr3m.io.Causes.find(e, ErrorResponseException.class);
      if (r == null || !"BucketAlreadyOwnedByYou".equals(r.errorResponse().code())) { // else: created concurrently
        throw bucketFailure("create", e);
      }
    }
  }

  @Override
  public StoredArtifact put(String key, Path file) throws IOException {
    ArtifactKeys.requireValidKey(key);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "not a regular file (to be stored as '" + key + "')");
    }
    long size = Files.size(file);
    String sha256 = Sha256.of(file);
    try (InputStream in = Files.newInputStream(file)) {
      return upload(key, in, size, sha256, "file " + file + " (changed while it was being stored?)");
    }
  }

  @Override
  public StoredArtifact put(String key, InputStream content, long size, String sha256) throws IOException {
    ArtifactKeys.requireValidKey(key);
    String expected = Sha256.requireHex(sha256, "SHA-256 of artefact '" + key + "'");
    if (size < 0) {
      throw new IllegalArgumentException("size of artefact '" + key + "' must not be negative: " + size);
    }
    return upload(key, content, size, expected, "content given for artefact '" + key + "'");
  }

  @Override
  public StoredArtifact put(String key, byte[] content) throws IOException {
    ArtifactKeys.requireValidKey(key);
    return upload(key, new ByteArrayInputStream(content), content.length, Sha256.of(content), "content of artefact '" + key + "'");
  }

  private StoredArtifact upload(String key, InputStream content, long size, String sha256, String source)
      throws IOException {
    // The SDK reads exactly `size` bytes; the verifying stream throws from the read that would
    // complete the last part if they do not hash to `sha256`, so the upload is aborted, not completed.
    VerifyingInputStream verified = new VerifyingInputStream(content, size, sha256, key, source);
    try {
      client.putObject(PutObjectArgs.builder()
          .bucket(bucket)
          .object(objectName(key))
          .stream(verified, size, partSizeFor(size))
          .contentType("application/octet-stream")
          .userMetadata(Map.of(SHA256_METADATA, sha256))
          .build());
    } catch (Exception e) {
      ArtifactIntegrityException integrity = org.asr3m.io.Causes.find(e, ArtifactIntegrityException.class);
      if (integrity != null) {
        throw integrity;
      }
      throw failure("upload", key, e);
    }
    return new StoredArtifact(key, size, sha256);
  }

  /** The configured part size, raised (in whole MiB) when the object would need more than 10,000 parts. */
  long partSizeFor(long size) {
    long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1L << 20;
    return Math.max(partSize, (needed + mib - 1) / mib * mib);
  }

  @Override
  public StoredArtifact get(String key, Path file) throws IOException {
    Opened opened = openVerified(key);
    try (InputStream in = opened.stream()) {
      DownloadedFile.write(in, file);
    }
    return opened.artifact();
  }

  @Override
  public InputStream open(String key) throws IOException {
    return openVerified(key).stream();
  }

  private record Opened(StoredArtifact artifact, InputStream stream) {}

  private Opened openVerified(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    GetObjectResponse response;
    try {
      response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(objectName(key)).build());
    } catch (Exception e) {
      throw notFoundOr(key, "download", e);
    }
    try {
      String sha256 = response.headers().get("x-amz-meta-" + SHA256_METADATA);
      String length = response.headers().get("Content-Length");
      if (sha256 == null) {
        throw new ArtifactIntegrityException(
            key, null, null,
            "artefact '" + key + "' in " + location + " has no SHA-256 metadata (x-amz-meta-sha256): it was not "
                + "written by this store, or was overwritten behind its back");
      }
      if (length == null) {
        throw new IOException("S3 response for artefact '" + key + "' in " + location + " has no Content-Length");
      }
      long size = Long.parseLong(length);
      StoredArtifact artifact = new StoredArtifact(key, size, sha256);
      return new Opened(
          artifact, new VerifyingInputStream(response, size, sha256, key, "artefact '" + key + "' in " + location));
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
  }

  @Override
  public InputStream open(String key, long offset, long length) throws IOException {
    StoredArtifact artifact = stat(key).orElseThrow(() -> new ArtifactNotFoundException(location, key));
    if (offset < 0 || length < 0 || offset > artifact.size()) {
      throw new IllegalArgumentException(
          "range offset " + offset + ", length " + length + " is outside artefact '" + key + "' of "
              + artifact.size() + " bytes");
    }
    long n = Math.min(length, artifact.size() - offset);
    if (n == 0) {
      return InputStream.nullInputStream(); // S3 has no empty byte range
    }
    try {
      return client.getObject(GetObjectArgs.builder()
          .bucket(bucket).object(objectName(key)).offset(offset).length(n).build());
    } catch (Exception e) {
      throw notFoundOr(key, "download a range of", e);
    }
  }

  @Override
  public Optional<StoredArtifact> stat(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    StatObjectResponse s;
    try {
      s = client.statObject(StatObjectArgs.builder().bucket(bucket).object(objectName(key)).build());
    } catch (Exception e) {
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw failure("stat", key, e);
    }
    // null hash: an object written behind the store's back; reading it fails with the reason.
    return Optional.of(new StoredArtifact(key, s.size(), s.userMetadata().get(SHA256_METADATA)));
  }

  /** Lists by prefix; the hash is not part of S3 listings, so each object is also stat'ed. */
  @Override
  public List<StoredArtifact> list(String keyPrefix) throws IOException {
    ArtifactKeys.requireValidPrefix(keyPrefix);
    String objectPrefix = prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
    List<StoredArtifact> found = new ArrayList<>();
    try {
      Iterable<Result<Item>> results = client.listObjects(
          ListObjectsArgs.builder().bucket(bucket).prefix(objectPrefix).recursive(true).build());
      for (Result<Item> r : results) {
        Item item = r.get();
        if (item.isDir()) {
          continue;
        }
        String key = prefix.isEmpty() ? item.objectName() : item.objectName().substring(prefix.length() + 1);
        stat(key).ifPresent(found::add); // absent: deleted since the listing
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw failure("list", keyPrefix + "*", e);
    }
    return found;
  }

  @Override
  public void delete(String key) throws IOException {
    ArtifactKeys.requireValidKey(key);
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(objectName(key)).build());
    } catch (Exception e) {
      if (!isNotFound(e)) {
        throw failure("delete", key, e);
      }
    }
  }

  @Override
  public String describe() {
    return location;
  }

  @Override
  public String toString() {
    return "S3ArtifactStore[" + location + "]";
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("closing the S3 client of " + location + ": " + e, e);
    }
  }

  // --- helpers ---

  private String objectName(String key) {
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  private IOException notFoundOr(String key, String action, Exception e) {
    if (isNotFound(e)) {
      return new ArtifactNotFoundException(location, key);
    }
    return failure(action, key, e);
  }

  private static boolean isNotFound(Exception e) {
    ErrorResponseException r = org.asr3m.io.Causes.find(e, ErrorResponseException.class);
    return r != null && NOT_FOUND_CODES.contains(r.errorResponse().code());
  }

  private IOException bucketFailure(String action, Exception e) {
    return new IOException(
        "S3 artefact store: cannot " + action + " bucket '" + bucket + "' in " + location + " (" + reason(e) + ")", e);
  }

  private static String reason(Exception e) {
    ErrorResponseException r = org.asr3m.io.Causes.find(e, ErrorResponseException.class);
    return r != null
        ? r.errorResponse().code() + ": " + r.errorResponse().message()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private IOException failure(String action, String key, Exception e) {
    return new IOException(
        "S3 artefact store: cannot " + action + " '" + key + "' in " + location + " (" + reason(e) + ")", e);
  }
}
