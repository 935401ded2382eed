package org.asr3m.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.http.HttpUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.asr3m.worker.testsupport.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 store against a real S3 server (S3Proxy) over HTTP, with S3's smallest part size. */
class S3ArtifactStoreTest extends ArtifactStoreContractTest {

  static final String BUCKET = "asr3m-test";
  static final long PART_SIZE = 5L << 20;
  private static final AtomicInteger STORES = new AtomicInteger();

  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  static MinioClient raw;
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  String prefix;

  @BeforeAll
  static void rawClient() {
    raw = MinioClient.builder().endpoint(S3.endpoint()).credentials(S3.accessKey(), S3.secretKey()).build();
  }

  @Override
  ArtifactStore newStore(Path temp) throws IOException {
    // Each test its own prefix in one bucket, as runs share a bucket in production.
    prefix = "test-" + STORES.incrementAndGet() + "/artifacts";
    requests.clear();
    return new S3ArtifactStore(config(BUCKET, prefix, true), recordingClient());
  }

  /** The SDK's default HTTP client plus a record of every request ("PUT /bucket/key?query -> 200"). */
  OkHttpClient recordingClient() {
    long timeout = TimeUnit.MINUTES.toMillis(2);
    return HttpUtils.newDefaultHttpClient(timeout, timeout, timeout).newBuilder()
        .addInterceptor(chain -> {
          Request r = chain.request();
          Response response = chain.proceed(r);
          String query = r.url().encodedQuery();
          requests.add(r.method() + " " + r.url().encodedPath() + (query == null ? "" : "?" + query) + " -> " + response.code());
          return response;
        })
        .build();
  }

  /** Recorded requests on {@code key} (path ends with it) that contain {@code fragment}. */
  List<String> requestsOn(String key, String fragment) {
    String path = "/" + BUCKET + "/" + prefix + "/" + key;
    synchronized (requests) {
      return requests.stream().filter(r -> r.contains(path + "?") || r.contains(path + " ")).filter(r -> r.contains(fragment)).toList();
    }
  }

  /**
   * Files of multipart uploads under this test's prefix that S3Proxy's file system store still
   * holds: it keeps them below ".mpus-<uploadId>-<first key segment>/<rest of the key>-<part>"
   * until completion or abort.
   */
  List<Path> pendingUploadFiles() throws IOException {
    Path bucketDir = S3.dataDir().resolve(BUCKET);
    String suffix = "-" + prefix.substring(0, prefix.indexOf('/'));
    try (Stream<Path> files = Files.walk(bucketDir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> {
            String top = bucketDir.relativize(p).getName(0).toString();
            return top.startsWith(".mpus-") && top.endsWith(suffix);
          })
          .toList();
    }
  }

  @Override
  void assertPartialUploadsLeftBy(int count, int bytes) throws IOException {
    // A killed process cannot abort: each upload's first part stays on the server, invisible.
    List<Path> parts = pendingUploadFiles().stream().filter(p -> p.getFileName().toString().endsWith("-1")).toList();
    assertEquals(count, parts.size(), "first parts of the killed uploads: " + pendingUploadFiles());
    for (Path part : parts) {
      assertEquals(PART_SIZE, Files.size(part), part.toString());
    }
  }

  @Override
  List<String> storeArgs() {
    return StoreArgs.s3(S3.endpoint(), S3.accessKey(), S3.secretKey(), BUCKET, prefix);
  }

  static S3ArtifactStore.Config config(String bucket, String prefix, boolean createBucket) {
    return new S3ArtifactStore.Config(
        S3.endpoint(), S3.accessKey(), S3.secretKey(), null, bucket, prefix, PART_SIZE, createBucket);
  }

  @AfterEach
  void closeStore() throws IOException {
    ((S3ArtifactStore) store).close();
  }

  @Override
  int interruptedUploadSize() {
    return 12 << 20; // three parts; the failure comes in the second
  }

  @Test
  void multipartObjectRoundTripsWithItsSha256InMetadata() throws Exception {
    byte[] content = randomBytes(12_000_000, 10);
    Path file = Files.write(temp.resolve("epoch_7.ckpt"), content);

    StoredArtifact stored = store.put("runs/1/train/epoch_7/model.npz", file);
    StatObjectResponse head = raw.statObject(
        StatObjectArgs.builder().bucket(BUCKET).object(prefix + "/runs/1/train/epoch_7/model.npz").build());
    Path copy = temp.resolve("copy.npz");
    StoredArtifact fetched = store.get("runs/1/train/epoch_7/model.npz", copy);

    assertEquals(new StoredArtifact("runs/1/train/epoch_7/model.npz", 12_000_000, Sha256.of(content)), stored);
    assertEquals(stored.sha256(), head.userMetadata().get("sha256"), "x-amz-meta-sha256");
    String key = "runs/1/train/epoch_7/model.npz";
    assertEquals(1, requestsOn(key, "POST").stream().filter(r -> r.contains("uploads") && r.endsWith("200")).count(), requests::toString);
    assertEquals(3, requestsOn(key, "partNumber=").stream().filter(r -> r.startsWith("PUT") && r.endsWith("200")).count(),
        "three 5 MiB parts: " + requests);
    assertEquals(1, requestsOn(key, "POST").stream().filter(r -> r.contains("uploadId=") && r.endsWith("200")).count(),
        "one CompleteMultipartUpload: " + requests);
    assertEquals(stored, fetched);
    assertArrayEquals(content, Files.readAllBytes(copy));
    try (InputStream in = store.open("runs/1/train/epoch_7/model.npz", PART_SIZE - 10, 20)) {
      assertArrayEquals(Arrays.copyOfRange(content, (int) PART_SIZE - 10, (int) PART_SIZE + 10), in.readAllBytes(),
          "a range across the first part boundary");
    }
  }

  @Test
  void objectOverwrittenBehindTheStoresBackFailsItsIntegrityCheck() throws Exception {
    byte[] content = randomBytes(100_000, 11);
    StoredArtifact stored = store.put("runs/2/model.npz", content);
    String object = prefix + "/runs/2/model.npz";
    byte[] damaged = content.clone();
    damaged[99_999] ^= 0x40;

    // Same size, the old hash kept as metadata: only the content check can tell.
    raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object(object)
        .stream(new ByteArrayInputStream(damaged), damaged.length, -1)
        .userMetadata(Map.of("sha256", stored.sha256())).build());
    Path target = temp.resolve("model.npz");
    ArtifactIntegrityException onGet = assertThrows(ArtifactIntegrityException.class, () -> store.get("runs/2/model.npz", target));
    assertEquals("runs/2/model.npz", onGet.key());
    assertEquals(stored.sha256(), onGet.expectedSha256());
    assertEquals(Sha256.of(damaged), onGet.actualSha256());
    assertTrue(onGet.getMessage().contains(stored.sha256()) && onGet.getMessage().contains(Sha256.of(damaged)), onGet.getMessage());
    assertFalse(Files.exists(target), "a damaged object leaves no file at the destination");
    try (InputStream in = store.open("runs/2/model.npz")) {
      assertThrows(ArtifactIntegrityException.class, in::readAllBytes);
    }

    // Overwritten without metadata at all.
    raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object(object)
        .stream(new ByteArrayInputStream(content), content.length, -1).build());
    ArtifactIntegrityException noHash = assertThrows(ArtifactIntegrityException.class, () -> store.get("runs/2/model.npz", target));
    assertTrue(noHash.getMessage().contains("has no SHA-256 metadata"), noHash.getMessage());
    assertNull(store.stat("runs/2/model.npz").orElseThrow().sha256());
    assertFalse(Files.exists(target));
  }

  @Test
  void interruptedMultipartUploadIsAbortedNotLeftBehind() throws Exception {
    byte[] content = randomBytes(12 << 20, 12);
    store.put("runs/3/last.ckpt", new byte[] {1, 2, 3});

    // Fails while the second 5 MiB part is being read: part 1 is already on the server.
    IOException e = assertThrows(IOException.class, () -> store.put(
        "runs/3/last.ckpt", new FailingInputStream(content, 7 << 20), content.length, Sha256.of(content)));

    assertTrue(rootCause(e).getMessage().contains(FailingInputStream.MESSAGE), e.toString());
    assertEquals(1, requestsOn("runs/3/last.ckpt", "partNumber=").size(), "one part uploaded: " + requests);
    assertEquals(1, requestsOn("runs/3/last.ckpt", "DELETE").stream().filter(r -> r.contains("uploadId=") && r.endsWith("204")).count(),
        "AbortMultipartUpload sent and accepted: " + requests);
    assertEquals(List.of(), requestsOn("runs/3/last.ckpt", "POST").stream().filter(r -> r.contains("uploadId=")).toList(),
        "never completed");
    assertEquals(List.of(), pendingUploadFiles(), "the server holds no part of the aborted upload");
    assertEquals(Optional.of(new StoredArtifact("runs/3/last.ckpt", 3, Sha256.of(new byte[] {1, 2, 3}))),
        store.stat("runs/3/last.ckpt"));
    try (InputStream in = store.open("runs/3/last.ckpt")) {
      assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
    }
  }

  @Test
  void sourceFileChangedBetweenHashingAndUploadingIsNotStored() throws Exception {
    // What put(key, file) does when the file changes under it: the second pass hashes differently.
    byte[] content = randomBytes(11 << 20, 13);
    byte[] changed = content.clone();
    changed[content.length - 1] ^= 1;

    ArtifactIntegrityException e = assertThrows(ArtifactIntegrityException.class, () -> store.put(
        "runs/4/model.npz", new ByteArrayInputStream(changed), changed.length, Sha256.of(content)));

    assertEquals(Sha256.of(changed), e.actualSha256());
    assertEquals(1, requestsOn("runs/4/model.npz", "DELETE").stream().filter(r -> r.contains("uploadId=")).count(),
        "the multipart upload was aborted before its last part: " + requests);
    assertEquals(Optional.empty(), store.stat("runs/4/model.npz"));
    assertEquals(List.of(), pendingUploadFiles());
  }

  @Test
  void missingBucketIsAnErrorUnlessItMayBeCreated() throws IOException {
    IOException e = assertThrows(IOException.class, () -> new S3ArtifactStore(config("absent-bucket", "", false)));
    assertTrue(e.getMessage().contains("bucket 'absent-bucket' does not exist"), e.getMessage());

    try (S3ArtifactStore created = new S3ArtifactStore(config("created-bucket", "", true))) {
      created.put("a/b", new byte[] {7});
      assertEquals(List.of("a/b"), keys(created.list("")));
      assertEquals("s3://created-bucket at " + S3.endpoint(), created.describe());
    }
  }

  @Test
  void partSizeGrowsOnlyWhenTenThousandPartsWouldNotSuffice() throws IOException {
    S3ArtifactStore s3 = (S3ArtifactStore) store;
    assertEquals(PART_SIZE, s3.partSizeFor(0));
    assertEquals(PART_SIZE, s3.partSizeFor(10_000 * PART_SIZE));
    assertEquals(PART_SIZE + (1 << 20), s3.partSizeFor(10_000 * PART_SIZE + 1));
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> new S3ArtifactStore(
        new S3ArtifactStore.Config(S3.endpoint(), "k", "s", null, BUCKET, "", 1 << 20, true)));
    assertTrue(tooSmall.getMessage().contains("part size 1048576"), tooSmall.getMessage());
  }

  /** A 48 MB object (ten parts) goes through put, get, open and a range read in a JVM with a 40 MB heap. */
  @Test
  void largeObjectStreamsThroughABoundedHeap() throws Exception {
    LargeObjectRoundTrip.assertRoundTripInChildJvm(
        temp.resolve("large"), 48L << 20, 40, StoreArgs.s3(S3.endpoint(), S3.accessKey(), S3.secretKey(), BUCKET, prefix));
  }
}
