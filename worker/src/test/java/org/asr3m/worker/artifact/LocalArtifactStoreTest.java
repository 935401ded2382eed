package org.asr3m.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalArtifactStoreTest extends ArtifactStoreContractTest {

  Path root;

  @Override
  ArtifactStore newStore(Path temp) throws IOException {
    root = temp.resolve("artifacts");
    return new LocalArtifactStore(root);
  }

  @Override
  List<String> storeArgs() {
    return StoreArgs.local(root);
  }

  @Override
  void assertPartialUploadsLeftBy(int count, int bytes) throws IOException {
    try (Stream<Path> tmp = Files.list(root.resolve(".asr3m/tmp"))) {
      List<Long> sizes = tmp.map(p -> p.toFile().length()).toList();
      assertEquals(count, sizes.size(), "temporary files of the killed writers: " + sizes);
      assertTrue(sizes.stream().allMatch(n -> n >= bytes), "each holds the bytes written before the kill: " + sizes);
    }
  }

  @Test
  void objectsAreReadablePlainFilesAndNothingElseIsLeftBehind() throws IOException {
    store.put("runs/1/train/log.txt", "step 0\n".getBytes(StandardCharsets.UTF_8));
    store.put("runs/1/train/log.txt", "step 1\n".getBytes(StandardCharsets.UTF_8)); // replaces
    assertThrows(IOException.class, () -> store.put(
        "runs/1/train/broken.bin", new FailingInputStream(new byte[100_000], 50_000), 100_000, Sha256.of(new byte[100_000])));

    assertEquals("step 1\n", Files.readString(root.resolve("runs/1/train/log.txt")));
    assertEquals(Sha256.of("step 1\n".getBytes(StandardCharsets.UTF_8)) + " 7\n",
        Files.readString(root.resolve(".asr3m/meta/runs/1/train/log.txt")));
    assertFalse(Files.exists(root.resolve("runs/1/train/broken.bin")));
    try (Stream<Path> tmp = Files.list(root.resolve(".asr3m/tmp"))) {
      assertEquals(List.of(), tmp.toList(), "failed, new and replacing puts remove their temporary files");
    }
  }

  @Test
  void corruptedObjectIsDetectedOnGetAndOnOpen() throws IOException {
    byte[] content = randomBytes(200_000, 5);
    StoredArtifact stored = store.put("runs/2/model.npz", content);
    byte[] damaged = content.clone();
    damaged[123_456] ^= 0x01; // one flipped bit, same size
    Files.write(root.resolve("runs/2/model.npz"), damaged);

    Path target = temp.resolve("model.npz");
    ArtifactIntegrityException onGet = assertThrows(ArtifactIntegrityException.class, () -> store.get("runs/2/model.npz", target));
    assertEquals("runs/2/model.npz", onGet.key());
    assertEquals(stored.sha256(), onGet.expectedSha256());
    assertEquals(Sha256.of(damaged), onGet.actualSha256());
    assertTrue(onGet.getMessage().contains("runs/2/model.npz") && onGet.getMessage().contains(stored.sha256())
        && onGet.getMessage().contains(Sha256.of(damaged)), onGet.getMessage());
    assertFalse(Files.exists(target), "a damaged object leaves no file at the destination");

    try (InputStream in = store.open("runs/2/model.npz")) {
      ArtifactIntegrityException onOpen = assertThrows(ArtifactIntegrityException.class, in::readAllBytes);
      assertEquals(Sha256.of(damaged), onOpen.actualSha256());
    }

    Files.write(root.resolve("runs/2/model.npz"), new byte[1000]); // truncated
    ArtifactIntegrityException truncated = assertThrows(ArtifactIntegrityException.class, () -> store.open("runs/2/model.npz"));
    assertTrue(truncated.getMessage().contains("is 1000 bytes, but 200000 were stored"), truncated.getMessage());
  }

  @Test
  void anObjectCannotBeStoredWhereAnotherObjectIsADirectory() throws IOException {
    store.put("runs/3/units", new byte[] {1});
    store.put("runs/3/cmvn/global.json", new byte[] {2});

    FileAlreadyExistsException fileInTheWay = assertThrows(FileAlreadyExistsException.class,
        () -> store.put("runs/3/units/part0", new byte[] {3}));
    FileAlreadyExistsException dirInTheWay = assertThrows(FileAlreadyExistsException.class,
        () -> store.put("runs/3/cmvn", new byte[] {4}));

    assertTrue(fileInTheWay.getMessage().contains("'runs/3/units' is an artefact"), fileInTheWay.getMessage());
    assertTrue(dirInTheWay.getMessage().contains("other artefacts are stored below 'runs/3/cmvn/'"), dirInTheWay.getMessage());
    assertEquals(List.of("runs/3/cmvn/global.json", "runs/3/units"), keys(store.list("runs/3/")));
  }

  @Test
  void dataFileWithoutMetadataIsNotAnObject() throws IOException {
    // What a crash between the data rename and the metadata rename leaves behind.
    Files.createDirectories(root.resolve("runs/4"));
    Files.writeString(root.resolve("runs/4/orphan.bin"), "no metadata");

    assertEquals(List.of(), store.list("runs/4/"));
    assertThrows(ArtifactNotFoundException.class, () -> store.open("runs/4/orphan.bin"));
    StoredArtifact replaced = store.put("runs/4/orphan.bin", "abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(SHA256_ABC, replaced.sha256());
  }

  /** A 64 MB object goes through put, get, open and a range read in a JVM with a 24 MB heap. */
  @Test
  void largeObjectStreamsThroughABoundedHeap() throws Exception {
    LargeObjectRoundTrip.assertRoundTripInChildJvm(temp.resolve("large"), 64L << 20, 24, StoreArgs.local(root));
  }

  @Test
  void temporaryFilesOfCrashedWritersAreRemovedAfterADay() throws IOException {
    Path tmp = root.resolve(".asr3m/tmp");
    Path stale = Files.writeString(tmp.resolve("put-crashed.tmp"), "partial");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
    Path recent = Files.writeString(tmp.resolve("put-running.tmp"), "being written");

    new LocalArtifactStore(root);

    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(recent), "another writer may still be using it");
  }
}
