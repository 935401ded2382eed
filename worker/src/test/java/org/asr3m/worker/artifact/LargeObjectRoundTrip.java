package org.asr3m.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Puts, gets, streams and range-reads one large generated object in a child JVM whose heap is
 * smaller than the object: it only succeeds if the store streams. Arguments: a work directory,
 * the object size, then the store ({@link StoreArgs}).
 */
final class LargeObjectRoundTrip {

  static final String OK = "large round trip OK";

  private LargeObjectRoundTrip() {}

  /** Runs the round trip in a child JVM with {@code -Xmx<heapMb>m} and asserts it succeeded. */
  static String assertRoundTripInChildJvm(Path workDir, long size, int heapMb, List<String> store) throws Exception {
    List<String> command = new ArrayList<>(StoreArgs.javaCommand(LargeObjectRoundTrip.class, heapMb));
    command.add(workDir.toString());
    command.add(String.valueOf(size));
    command.addAll(store);
    Files.createDirectories(workDir);
    Path log = workDir.resolve("round-trip.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = p.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    assertTrue(finished, "round trip did not finish within 5 minutes:\n" + output);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains(OK + ": " + size + " bytes"), output);
    return output;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    long maxHeap = Runtime.getRuntime().maxMemory();
    check(maxHeap < size, "heap " + maxHeap + " must be smaller than the object " + size);

    Path source = dir.resolve("source.bin");
    byte[] block = new byte[1 << 20];
    new Random(6).nextBytes(block);
    byte[] expectedTail = new byte[16];
    try (OutputStream out = Files.newOutputStream(source)) {
      for (long written = 0; written < size; written += block.length) {
        block[0]++; // every block differs
        int n = (int) Math.min(block.length, size - written);
        out.write(block, 0, n);
        if (written + n == size) {
          System.arraycopy(block, n - 16, expectedTail, 0, 16);
        }
      }
    }
    String expected = Sha256.of(source);

    ArtifactStore store = StoreArgs.open(Arrays.asList(args).subList(2, args.length));
    String key = "runs/1/train/big.ckpt";

    StoredArtifact stored = store.put(key, source);
    Files.delete(source); // from here on, only the store has the bytes
    StoredArtifact fetched = store.get(key, dir.resolve("copy.bin"));
    long streamed;
    try (InputStream in = store.open(key)) {
      streamed = in.transferTo(OutputStream.nullOutputStream());
    }
    byte[] tail;
    try (InputStream in = store.open(key, size - 16, 16)) {
      tail = in.readAllBytes();
    }

    check(stored.size() == size && stored.sha256().equals(expected), "put returned " + stored);
    check(fetched.equals(stored), "get returned " + fetched);
    check(Sha256.of(dir.resolve("copy.bin")).equals(expected), "downloaded copy differs");
    check(streamed == size, "open streamed " + streamed + " bytes");
    check(Arrays.equals(expectedTail, tail), "last 16 bytes differ");
    if (store instanceof AutoCloseable c) {
      c.close();
    }
    System.out.println(OK + ": " + size + " bytes through " + store.describe() + " with a "
        + (maxHeap >> 20) + " MiB heap");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
