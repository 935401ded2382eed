package org.asr3m.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ArtifactStore} must do; run once per implementation by its subclass. */
abstract class ArtifactStoreContractTest {

  /** SHA-256 of "abc" (FIPS 180-2 test vector). */
  static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path temp;
  ArtifactStore store;

  /** A fresh, empty store. */
  abstract ArtifactStore newStore(Path temp) throws IOException;

  /** How a child JVM opens the same store ({@link StoreArgs}). */
  abstract List<String> storeArgs();

  @BeforeEach
  void openStore() throws IOException {
    store = newStore(temp);
  }

  @Test
  void smallObjectRoundTripsWithItsSha256() throws IOException {
    StoredArtifact stored = store.put("runs/1/decode/test/text", "abc".getBytes(StandardCharsets.US_ASCII));

    assertEquals(new StoredArtifact("runs/1/decode/test/text", 3, SHA256_ABC), stored);
    assertEquals(Optional.of(stored), store.stat("runs/1/decode/test/text"));
    try (InputStream in = store.open("runs/1/decode/test/text")) {
      assertEquals("abc", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void fileRoundTripsAndReplacesAnOlderObject() throws IOException {
    byte[] content = randomBytes(300_000, 1);
    Path source = Files.write(temp.resolve("model.npz"), content);
    store.put("runs/2/train/epoch_7/model.npz", "older".getBytes(StandardCharsets.US_ASCII));

    StoredArtifact stored = store.put("runs/2/train/epoch_7/model.npz", source);
    Path copy = temp.resolve("download/nested/model.npz");
    StoredArtifact fetched = store.get("runs/2/train/epoch_7/model.npz", copy);

    assertEquals(content.length, stored.size());
    assertEquals(Sha256.of(content), stored.sha256());
    assertEquals(stored, fetched);
    assertArrayEquals(content, Files.readAllBytes(copy));
    try (var leftovers = Files.list(copy.getParent())) {
      assertEquals(List.of(copy), leftovers.toList(), "no temporary download file is left beside the result");
    }
  }

  @Test
  void emptyObjectIsAnObject() throws IOException {
    StoredArtifact stored = store.put("runs/3/empty", new byte[0]);

    assertEquals(0, stored.size());
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", stored.sha256());
    try (InputStream in = store.open("runs/3/empty")) {
      assertEquals(0, in.readAllBytes().length);
    }
  }

  @Test
  void listStatAndDeleteFollowKeyPrefixes() throws IOException {
    for (String key : List.of("runs/10/a", "runs/1/train/log.txt", "runs/1/cmvn.json", "runs/2/x", "other/y")) {
      store.put(key, key.getBytes(StandardCharsets.UTF_8));
    }

    assertEquals(List.of("runs/1/cmvn.json", "runs/1/train/log.txt"), keys(store.list("runs/1/")));
    assertEquals(List.of("runs/1/cmvn.json", "runs/1/train/log.txt", "runs/10/a"), keys(store.list("runs/1")));
    assertEquals(List.of("other/y", "runs/1/cmvn.json", "runs/1/train/log.txt", "runs/10/a", "runs/2/x"), keys(store.list("")));
    assertEquals(List.of(), store.list("runs/3/"));
    StoredArtifact cmvn = store.list("runs/1/cmvn").get(0);
    assertEquals(new StoredArtifact("runs/1/cmvn.json", 16, Sha256.of("runs/1/cmvn.json".getBytes(StandardCharsets.UTF_8))), cmvn);

    store.delete("runs/1/cmvn.json");
    store.delete("runs/1/cmvn.json"); // absent: no error
    store.delete("never/stored");

    assertEquals(Optional.empty(), store.stat("runs/1/cmvn.json"));
    assertEquals(Optional.empty(), store.stat("runs/1"), "a prefix is not an object");
    assertEquals(List.of("runs/1/train/log.txt"), keys(store.list("runs/1/")));
    ArtifactNotFoundException missing = assertThrows(ArtifactNotFoundException.class, () -> store.open("runs/1/cmvn.json"));
    assertEquals("runs/1/cmvn.json", missing.key());
    assertTrue(missing.getMessage().contains(store.describe()), missing.getMessage());
    assertThrows(ArtifactNotFoundException.class, () -> store.get("runs/1/cmvn.json", temp.resolve("c.json")));
    assertFalse(Files.exists(temp.resolve("c.json")));
  }

  @Test
  void directoriesRoundTripWithRelativePaths() throws IOException {
    Path dir = temp.resolve("units");
    Files.createDirectories(dir.resolve("shards/0"));
    Files.writeString(dir.resolve("units.txt"), "<blank> 0\na 1\n");
    Files.writeString(dir.resolve("shards/0/feats.bin"), "frames");
    Files.writeString(dir.resolve("shards/0/.hidden"), "kept too");

    List<StoredArtifact> stored = store.putDirectory("runs/4/featurePrep/", dir);
    Path back = temp.resolve("back");
    List<StoredArtifact> fetched = store.getDirectory("runs/4/featurePrep", back);

    assertEquals(
        List.of("runs/4/featurePrep/shards/0/.hidden", "runs/4/featurePrep/shards/0/feats.bin", "runs/4/featurePrep/units.txt"),
        keys(stored));
    assertEquals(stored, fetched);
    assertEquals("<blank> 0\na 1\n", Files.readString(back.resolve("units.txt")));
    assertEquals("frames", Files.readString(back.resolve("shards/0/feats.bin")));
    assertEquals("kept too", Files.readString(back.resolve("shards/0/.hidden")));
    assertEquals(List.of(), store.getDirectory("runs/5/nothing", temp.resolve("none")));
  }

  @Test
  void rangedReadsReturnTheRequestedSlice() throws IOException {
    byte[] content = randomBytes(100_000, 2);
    store.put("runs/6/model.bin", content);

    try (InputStream in = store.open("runs/6/model.bin", 1000, 5000)) {
      assertArrayEquals(Arrays.copyOfRange(content, 1000, 6000), in.readAllBytes());
    }
    try (InputStream in = store.open("runs/6/model.bin", 99_990, 1_000)) {
      assertArrayEquals(Arrays.copyOfRange(content, 99_990, 100_000), in.readAllBytes(), "clipped at the end");
    }
    try (InputStream in = store.open("runs/6/model.bin", 100_000, 10)) {
      assertEquals(0, in.readAllBytes().length, "offset == size is an empty range");
    }
    IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> store.open("runs/6/model.bin", 100_001, 1));
    assertTrue(beyond.getMessage().contains("runs/6/model.bin"), beyond.getMessage());
    assertThrows(ArtifactNotFoundException.class, () -> store.open("runs/6/none", 0, 1));
  }

  @Test
  void badKeysAreRejectedWithTheReason() {
    for (String bad : List.of("", "/abs/path", "a//b", "a/b/", "../escape", "a/../../b", "a/./b", "back\\slash", "nul\u0000byte",
        ".asr3m/meta/x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.put(bad, new byte[] {1}), "key '" + bad + "'");
      assertTrue(e.getMessage().startsWith("artefact key") || e.getMessage().contains("artefact key"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.stat(bad));
      assertThrows(IllegalArgumentException.class, () -> store.open(bad));
      assertThrows(IllegalArgumentException.class, () -> store.delete(bad));
    }
    IllegalArgumentException dots = assertThrows(IllegalArgumentException.class, () -> store.get("../x", temp.resolve("x")));
    assertEquals("artefact key '../x' must not contain a '..' segment", dots.getMessage());
    IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class, () -> store.list("/runs"));
    assertTrue(prefix.getMessage().contains("'/runs'"), prefix.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.list("runs/../"));
    assertThrows(IllegalArgumentException.class, () -> store.putDirectory("../up", temp));
  }

  @Test
  void interruptedUploadLeavesNoObjectAndKeepsTheEarlierOne() throws IOException {
    byte[] earlier = "epoch 6".getBytes(StandardCharsets.US_ASCII);
    store.put("runs/7/train/last.ckpt", earlier);
    byte[] content = randomBytes(interruptedUploadSize(), 3);

    IOException e = assertThrows(IOException.class, () -> store.put(
        "runs/7/train/last.ckpt", new FailingInputStream(content, content.length / 2), content.length, Sha256.of(content)));
    assertThrows(IOException.class, () -> store.put(
        "runs/7/train/new.ckpt", new FailingInputStream(content, content.length / 2), content.length, Sha256.of(content)));

    assertTrue(String.valueOf(rootCause(e).getMessage()).contains(FailingInputStream.MESSAGE), e.toString());
    assertEquals(Optional.of(new StoredArtifact("runs/7/train/last.ckpt", earlier.length, Sha256.of(earlier))),
        store.stat("runs/7/train/last.ckpt"));
    try (InputStream in = store.open("runs/7/train/last.ckpt")) {
      assertArrayEquals(earlier, in.readAllBytes());
    }
    assertEquals(Optional.empty(), store.stat("runs/7/train/new.ckpt"));
    assertEquals(List.of("runs/7/train/last.ckpt"), keys(store.list("runs/7/")));
  }

  /**
   * A writer process killed with SIGKILL half-way through an upload (past the first multipart
   * part for S3) leaves no visible object, and the earlier object under the key intact.
   */
  @Test
  void uploadKilledHalfWayLeavesNoVisibleObject() throws Exception {
    byte[] earlier = "epoch 6".getBytes(StandardCharsets.US_ASCII);
    store.put("runs/9/train/last.ckpt", earlier);
    int size = interruptedUploadSize();

    killChildUploading("runs/9/train/last.ckpt", size, size * 7 / 12);
    killChildUploading("runs/9/train/fresh.ckpt", size, size * 7 / 12);
    assertPartialUploadsLeftBy(2, size * 7 / 12);

    ArtifactStore reopened = newStoreOnSameLocation();
    for (ArtifactStore s : List.of(store, reopened)) {
      assertEquals(Optional.of(new StoredArtifact("runs/9/train/last.ckpt", earlier.length, Sha256.of(earlier))),
          s.stat("runs/9/train/last.ckpt"));
      try (InputStream in = s.open("runs/9/train/last.ckpt")) {
        assertArrayEquals(earlier, in.readAllBytes());
      }
      assertEquals(Optional.empty(), s.stat("runs/9/train/fresh.ckpt"));
      assertThrows(ArtifactNotFoundException.class, () -> s.open("runs/9/train/fresh.ckpt"));
      assertEquals(List.of("runs/9/train/last.ckpt"), keys(s.list("runs/9/")));
    }
  }

  /**
   * Checks that {@code count} killed uploads really were under way: their partial data, at least
   * {@code bytes} long, exists where the store keeps unfinished uploads (yet is not visible).
   */
  abstract void assertPartialUploadsLeftBy(int count, int bytes) throws IOException;

  /** The same store opened again, as a restarted worker would. */
  ArtifactStore newStoreOnSameLocation() throws IOException {
    return StoreArgs.open(storeArgs());
  }

  private void killChildUploading(String key, int size, int stallAfter) throws Exception {
    List<String> command = new ArrayList<>(StoreArgs.javaCommand(KilledUpload.class, 64));
    command.addAll(List.of(key, String.valueOf(size), String.valueOf(stallAfter)));
    command.addAll(storeArgs());
    Path log = Files.createTempFile(temp, "killed-upload", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!Files.readString(log).contains(KilledUpload.STALLED)) {
        assertTrue(p.isAlive(), "upload child exited early:\n" + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "upload child did not reach the stall point:\n" + Files.readString(log));
        Thread.sleep(50);
      }
      assertTrue(Files.readString(log).contains(KilledUpload.STALLED + " after " + stallAfter + " bytes"), Files.readString(log));
    } finally {
      p.destroyForcibly(); // SIGKILL: no finally block, no abort, no cleanup in the child
      p.waitFor();
    }
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
  }

  @Test
  void contentThatDoesNotMatchItsDeclaredHashOrSizeIsNotStored() throws IOException {
    byte[] content = randomBytes(50_000, 4);
    String wrong = Sha256.of(new byte[] {1, 2, 3});

    ArtifactIntegrityException mismatch = assertThrows(ArtifactIntegrityException.class,
        () -> store.put("runs/8/a", new ByteArrayInputStream(content), content.length, wrong));
    ArtifactIntegrityException shorter = assertThrows(ArtifactIntegrityException.class,
        () -> store.put("runs/8/b", new ByteArrayInputStream(content), content.length + 1, Sha256.of(content)));
    ArtifactIntegrityException longer = assertThrows(ArtifactIntegrityException.class,
        () -> store.put("runs/8/c", new ByteArrayInputStream(content), content.length - 1, Sha256.of(content)));

    assertEquals(wrong, mismatch.expectedSha256());
    assertEquals(Sha256.of(content), mismatch.actualSha256());
    assertTrue(mismatch.getMessage().contains("runs/8/a"), mismatch.getMessage());
    assertTrue(shorter.getMessage().contains("ended after 50000 of 50001 bytes"), shorter.getMessage());
    assertTrue(longer.getMessage().contains("longer than its 49999 bytes"), longer.getMessage());
    assertEquals(List.of(), store.list("runs/8/"));
  }

  /** Size of the upload that {@link #interruptedUploadLeavesNoObjectAndKeepsTheEarlierOne} breaks half-way. */
  int interruptedUploadSize() {
    return 1 << 20;
  }

  static List<String> keys(List<StoredArtifact> artifacts) {
    return artifacts.stream().map(StoredArtifact::key).toList();
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Serves {@code content} but throws after {@code failAfter} bytes, like a disk or network failing mid-upload. */
  static final class FailingInputStream extends CutOffInputStream {
    static final String MESSAGE = "simulated failure of the source";

    FailingInputStream(byte[] content, int failAfter) {
      super(content, failAfter);
    }

    @Override
    protected void atLimit(int position) throws IOException {
      throw new IOException(MESSAGE + " after " + position + " bytes");
    }
  }
}
