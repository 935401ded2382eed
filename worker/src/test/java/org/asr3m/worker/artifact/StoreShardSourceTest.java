package org.asr3m.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.asr3m.io.InputException;
import org.asr3m.shards.DataProblems;
import org.asr3m.shards.MakeShards;
import org.asr3m.shards.ShardList;
import org.asr3m.shards.ShardReader;
import org.asr3m.shards.ShardSample;
import org.asr3m.shards.UrlShardSource;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.testsupport.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards written by make-shards, stored in S3 (S3Proxy over HTTP) and in the local store, streamed
 * through {@link StoreShardSource} by model-core's shard reader: every member arrives as written, a
 * read that breaks half-way is resumed, a missing shard is an error naming it.
 */
class StoreShardSourceTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir static Path tmp;
  static List<Path> shards;
  static List<ShardSample> local;

  @BeforeAll
  static void makeShards() throws Exception {
    Path data = TinyCorpus.create(tmp.resolve("data"), 12, 1, 1);
    MakeShards.Result r = MakeShards.run(data.resolve("train"), tmp.resolve("shards"), 5, 2);
    assertThat(r.problems()).isEmpty();
    shards = r.shards();
    assertThat(shards).hasSize(3);
    local = read(new ShardReader(new UrlShardSource(), 0, 1),
        shards.stream().map(Path::toString).toList(), new DataProblems(10));
    assertThat(local).hasSize(12);
  }

  private static ArtifactStore s3() throws IOException {
    return new S3ArtifactStore(new S3ArtifactStore.Config(S3.endpoint(), S3.accessKey(), S3.secretKey(), null,
        "asr3m-shards", "test-" + PREFIXES.incrementAndGet(), S3ArtifactStore.MIN_PART_SIZE, true));
  }

  /** Stores the shards under corpus/ and returns the shard list's lines, read back as a list file. */
  private static List<String> store(ArtifactStore store) throws IOException {
    StringBuilder list = new StringBuilder();
    for (Path s : shards) {
      String key = "corpus/shards/" + s.getFileName();
      store.put(key, s);
      list.append(StoreShardSource.line(key)).append('\n');
    }
    Path file = Files.writeString(tmp.resolve("shards-" + PREFIXES.incrementAndGet() + ".list"), list);
    return ShardList.read(file);
  }

  private static List<ShardSample> read(ShardReader reader, List<String> lines, DataProblems problems)
      throws InterruptedException {
    List<ShardSample> out = new ArrayList<>();
    for (String line : lines) {
      reader.read(line, out::add, problems);
    }
    return out;
  }

  private static void assertSameAsLocal(List<ShardSample> samples) {
    assertThat(samples).hasSize(local.size());
    for (int i = 0; i < samples.size(); i++) {
      assertThat(samples.get(i).key()).isEqualTo(local.get(i).key());
      assertThat(samples.get(i).text()).isEqualTo(local.get(i).text());
      assertThat(samples.get(i).audio()).isEqualTo(local.get(i).audio());
    }
  }

  @Test
  void streamsEveryMemberOfShardsMadeByMakeShardsFromS3() throws Exception {
    ArtifactStore store = s3();
    List<String> lines = store(store);
    assertThat(lines).allMatch(l -> l.startsWith("store://corpus/shards/shards_")).hasSize(3);
    StoreShardSource source = new StoreShardSource(store);
    assertThat(source.retriable(lines.get(0))).isTrue();
    // every member of a shard comes through the stream, byte for byte (its SHA-256 checked at the end)
    for (int i = 0; i < shards.size(); i++) {
      int members = 0;
      try (InputStream in = source.open(lines.get(i)); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        while (tar.getNextEntry() != null) {
          tar.readAllBytes();
          members++;
        }
        assertThat(in.readAllBytes()).isEmpty(); // read to the end: verified
      }
      try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(shards.get(i)))) {
        int expected = 0;
        while (tar.getNextEntry() != null) {
          expected++;
        }
        assertThat(members).isEqualTo(expected).isPositive();
      }
    }
    DataProblems problems = new DataProblems(10);
    assertSameAsLocal(read(new ShardReader(source, 3, 10), lines, problems));
    assertThat(problems.count()).isZero();
  }

  @Test
  void theLocalStoreStreamsTheSameAndLocalPathsStillRead() throws Exception {
    ArtifactStore store = new LocalArtifactStore(tmp.resolve("local-store-" + PREFIXES.incrementAndGet()));
    List<String> lines = new ArrayList<>(store(store));
    DataProblems problems = new DataProblems(10);
    assertSameAsLocal(read(new ShardReader(new StoreShardSource(store), 3, 10), lines, problems));
    // a list may mix store objects and plain paths
    lines.set(1, shards.get(1).toString());
    assertSameAsLocal(read(new ShardReader(new StoreShardSource(store), 3, 10), lines, problems));
    assertThat(problems.count()).isZero();
  }

  @Test
  void aStreamThatBreaksHalfWayIsReopenedAndReadOnWithNothingLost() throws Exception {
    ArtifactStore s3 = s3();
    List<String> lines = store(s3);
    BreakingOpens store = new BreakingOpens(s3, 20_000);
    DataProblems problems = new DataProblems(10);
    assertSameAsLocal(read(new ShardReader(new StoreShardSource(store), 3, 10), lines, problems));
    assertThat(problems.count()).as(String.valueOf(problems.messages())).isZero();
    for (String line : lines) {
      assertThat(store.opens.get(line.substring("store://".length())).get()).as(line).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void aMissingShardIsAnErrorNamingItAfterTheRetries() throws Exception {
    ShardReader reader = new ShardReader(new StoreShardSource(s3()), 1, 10);
    assertThatThrownBy(() -> reader.read("store://corpus/shards/missing.tar", s -> {}, new DataProblems(1)))
        .isInstanceOf(InputException.class).hasMessageContaining("store://corpus/shards/missing.tar")
        .hasMessageContaining("2 attempt(s)");
  }

  /** A store whose first stream of each object fails after {@code cut} bytes, as a dropped connection does. */
  private static final class BreakingOpens implements ArtifactStore {
    private final ArtifactStore store;
    private final int cut;
    final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

    BreakingOpens(ArtifactStore store, int cut) {
      this.store = store;
      this.cut = cut;
    }

    @Override
    public InputStream open(String key) throws IOException {
      InputStream in = store.open(key);
      if (opens.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
        return in;
      }
      return new InputStream() {
        private int read;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (read >= cut) {
            throw new IOException("connection reset (test)");
          }
          int n = in.read(b, off, Math.min(len, cut - read));
          read += Math.max(n, 0);
          return n;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }

    @Override
    public StoredArtifact put(String key, Path file) throws IOException {
      return store.put(key, file);
    }

    @Override
    public StoredArtifact put(String key, InputStream content, long size, String sha256) throws IOException {
      return store.put(key, content, size, sha256);
    }

    @Override
    public StoredArtifact get(String key, Path file) throws IOException {
      return store.get(key, file);
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
      return store.open(key, offset, length);
    }

    @Override
    public Optional<StoredArtifact> stat(String key) throws IOException {
      return store.stat(key);
    }

    @Override
    public List<StoredArtifact> list(String prefix) throws IOException {
      return store.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public String describe() {
      return store.describe();
    }
  }
}
