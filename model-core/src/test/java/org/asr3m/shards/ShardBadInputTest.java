package org.asr3m.shards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.asr3m.Fixtures;
import org.asr3m.data.LengthFilter;
import org.asr3m.data.UnkCounter;
import org.asr3m.data.Units;
import org.asr3m.features.FbankOptions;
import org.asr3m.io.InputException;
import org.asr3m.train.Augmentation;
import org.asr3m.train.DataSummary;
import org.asr3m.train.EpochBatches;
import org.asr3m.train.PaddedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, incomplete, undecodable and unreachable shards: reported by name, the epoch goes on where it can. */
class ShardBadInputTest {
  @TempDir
  Path tmp;

  private static byte[] wav(int i) throws Exception {
    return Files.readAllBytes(Fixtures.path("audio/utt" + i + ".wav"));
  }

  private Path shard(String name, Object... keyExtBytes) throws Exception {
    Path p = tmp.resolve(name);
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(p))) {
      for (int i = 0; i < keyExtBytes.length; i += 2) {
        byte[] b = keyExtBytes[i + 1] instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) keyExtBytes[i + 1];
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry((String) keyExtBytes[i]);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
      }
    }
    return p;
  }

  private static List<ShardSample> read(ShardReader reader, String shard, DataProblems problems) throws Exception {
    List<ShardSample> out = new ArrayList<>();
    reader.read(shard, out::add, problems);
    return out;
  }

  @Test
  void truncatedShardKeepsTheMembersBeforeTheCutAndNamesTheMemberCutShort() throws Exception {
    Path full = shard("t.tar", "a.txt", "你好", "a.wav", wav(3), "b.txt", "我们", "b.wav", wav(2));
    byte[] bytes = Files.readAllBytes(full);
    // cut inside b.wav: a is complete, b is not
    Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(bytes, bytes.length - 1024 - wav(2).length / 2));
    DataProblems problems = new DataProblems(10);
    List<ShardSample> samples = read(new ShardReader(new UrlShardSource(), 3, 1), cut.toString(), problems);
    assertThat(samples).extracting(ShardSample::key).containsExactly("a");
    assertThat(problems.messages()).singleElement().satisfies(m -> assertThat(m).contains(cut.toString())
        .contains("b.wav").contains("truncated or corrupt"));
  }

  @Test
  void memberWithoutTranscriptOrAudioIsReportedAndSkipped() throws Exception {
    Path s = shard("m.tar", "a.wav", wav(1), "b.txt", "你好", "b.wav", wav(3), "c.txt", "孤单", "d.mp3", wav(2),
        "d.txt", "x");
    DataProblems problems = new DataProblems(10);
    List<ShardSample> samples = read(new ShardReader(new UrlShardSource(), 0, 1), s.toString(), problems);
    assertThat(samples).extracting(ShardSample::key).containsExactly("b");
    assertThat(problems.messages()).hasSize(3);
    assertThat(problems.messages().get(0)).contains("m.tar: a.wav: audio without transcript");
    assertThat(problems.messages().get(1)).contains("m.tar: c.txt: transcript without audio");
    assertThat(problems.messages().get(2)).contains("m.tar: d.mp3: unsupported member type");
  }

  @Test
  void undecodableMemberIsSkippedAndCountedInTheEpochSummary() throws Exception {
    Path s = shard("u.tar", "a.txt", "你好", "a.wav", wav(3), "b.txt", "我们", "b.wav", "RIFF garbage, not a wave file",
        "c.txt", "今天", "c.wav", wav(1));
    Path list = Files.writeString(tmp.resolve("data.list"), s.getFileName() + "\n");
    try (EpochBatches epoch = stream(list, new UrlShardSource()).open(0, 0)) {
      int utterances = 0;
      for (PaddedBatch b = epoch.next(); b != null; b = epoch.next()) {
        utterances += b.size();
      }
      DataSummary summary = epoch.summary();
      assertThat(utterances).isEqualTo(2);
      assertThat(summary.utterances()).isEqualTo(2);
      assertThat(summary.problemCount()).isEqualTo(1);
      assertThat(summary.problems().get(0)).contains("u.tar: b.wav:");
      assertThat(summary.line()).contains("1 bad input(s) skipped");
    }
  }

  @Test
  void corruptPayloadBehindAValidHeaderIsDroppedFromItsBatchAndCounted() throws Exception {
    // lengths come from the headers, so a FLAC cut short is only found when its batch is built
    byte[] flac = Files.readAllBytes(Fixtures.path("audio/utt1.flac"));
    byte[] cut = Arrays.copyOf(flac, flac.length / 2);
    Path s = shard("h.tar", "a.txt", "你好", "a.wav", wav(3), "b.txt", "我们", "b.flac", cut, "c.txt", "今天",
        "c.wav", wav(1));
    Path list = Files.writeString(tmp.resolve("data.list"), s.getFileName() + "\n");
    for (int maxFrames : new int[] {100000, 1}) { // one batch for all; one per utterance (b's batch empties)
      ShardStream stream = new ShardStream(ShardList.read(list), new ShardReader(new UrlShardSource(), 0, 1), units(),
          new UnkCounter(), augmentation(), new LengthFilter(1, 100000, 0, 1000),
          new LoaderSettings(true, 10, 10, maxFrames, 2, 2, 0, 1));
      try (EpochBatches epoch = stream.open(0, 0)) {
        int utterances = 0;
        int batches = 0;
        int empty = 0;
        for (PaddedBatch b = epoch.next(); b != null; b = epoch.next()) {
          utterances += b.size();
          batches++;
          empty += b.size() == 0 ? 1 : 0;
        }
        DataSummary summary = epoch.summary();
        assertThat(utterances).isEqualTo(2);
        // b's own batch arrives empty rather than vanishing, so batch positions (resume) stay the plan's
        assertThat(batches).isEqualTo(maxFrames == 1 ? 3 : 1);
        assertThat(empty).isEqualTo(maxFrames == 1 ? 1 : 0);
        assertThat(summary.utterances()).isEqualTo(2);
        assertThat(summary.problemCount()).isEqualTo(1);
        assertThat(summary.problems().get(0)).contains("h.tar: b.flac:").contains("truncated FLAC");
      }
    }
  }

  @Test
  void unreachableShardUrlIsRetriedThenNamedInTheError() throws Exception {
    Path good = shard("g.tar", "a.txt", "你好", "a.wav", wav(3));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int[] requests = new int[1];
    server.createContext("/", ex -> {
      requests[0]++;
      byte[] body = Files.readAllBytes(good);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String ok = "http://127.0.0.1:" + server.getAddress().getPort() + "/g.tar";
    String gone = "http://127.0.0.1:" + closedPort + "/gone.tar";
    Path list = Files.writeString(tmp.resolve("remote.list"), ok + "\n" + gone + "\n");
    try {
      ShardStream stream = new ShardStream(ShardList.read(list), new ShardReader(new UrlShardSource(), 2, 5),
          units(), new UnkCounter(), augmentation(), new LengthFilter(1, 100000, 0, 1000),
          new LoaderSettings(false, 10, 10, 100000, 2, 2, 0, 1));
      try (EpochBatches epoch = stream.open(0, 0)) {
        assertThatThrownBy(() -> {
          while (epoch.next() != null) {
            // the first shard is read, the second cannot be reached
          }
        }).isInstanceOf(InputException.class).hasMessageContaining(gone).hasMessageContaining("3 attempt(s)");
      }
      assertThat(requests[0]).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  static Units units() {
    return Units.build(TinyCorpus.texts());
  }

  static Augmentation augmentation() {
    return new Augmentation(ShardStream.audioOptions(), FbankOptions.WENET, null, null, null, null, null, 1);
  }

  private static ShardStream stream(Path list, ShardSource source) {
    return new ShardStream(ShardList.read(list), new ShardReader(source, 0, 1), units(), new UnkCounter(),
        augmentation(), new LengthFilter(1, 100000, 0, 1000), new LoaderSettings(true, 10, 10, 100000, 2, 2, 0, 1));
  }
}
