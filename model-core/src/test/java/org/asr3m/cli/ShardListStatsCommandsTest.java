package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.asr3m.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `asr3m cmvn --shard-list` and `asr3m build-units --shard-list` give what the data directory the shards
 * were made from gives, and name a bad member by shard and member.
 */
class ShardListStatsCommandsTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** Whole files and segments cut out of a recording (make-shards re-encodes those). */
  private Path dataDir() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(d.resolve("wav.scp"), String.join("\n",
        "rec1 " + Fixtures.path("audio/utt1.wav"),
        "u2 " + Fixtures.path("audio/utt2.wav"),
        "u3 " + Fixtures.path("audio/utt3.wav"),
        "u4 " + Fixtures.path("audio/utt1.wav")) + "\n");
    Files.writeString(d.resolve("segments"), "s1 rec1 0.0 0.8\ns2 rec1 0.8 -1\nu2 u2 0 -1\nu3 u3 0 -1\nu4 u4 0 -1\n");
    Files.writeString(d.resolve("text"), "s1 今天天气\ns2 很好 OK\nu2 我们去北京\nu3 你好\nu4 今天 <noise> 天气很好\n");
    return d;
  }

  private Path shards(Path data) {
    int code = run("make-shards", "--data-dir", data.toString(), "--out", tmp.resolve("shards").toString(),
        "--num-utts-per-shard", "2", "--threads", "2");
    assertThat(code).as(err.toString()).isZero();
    return tmp.resolve("shards/shards.list");
  }

  private static JsonNode json(Path file) throws Exception {
    return JsonMapper.builder().build().readTree(Files.readString(file));
  }

  @Test
  void cmvnAndUnitsFromTheShardsEqualThoseOfTheDataDirectory() throws Exception {
    Path data = dataDir();
    Path list = shards(data);

    assertThat(run("cmvn", "--data-dir", data.toString(), "-o", tmp.resolve("dir.json").toString(), "--threads", "2"))
        .as(err.toString()).isZero();
    assertThat(run("cmvn", "--shard-list", list.toString(), "-o", tmp.resolve("shards.json").toString(),
        "--threads", "3")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("global CMVN over");
    JsonNode a = json(tmp.resolve("dir.json"));
    JsonNode b = json(tmp.resolve("shards.json"));
    assertThat(b.get("frame_num").asLong()).isEqualTo(a.get("frame_num").asLong()).isPositive();
    for (String field : new String[] {"mean_stat", "var_stat"}) {
      assertThat(b.get(field).size()).isEqualTo(80);
      for (int d = 0; d < 80; d++) {
        double x = a.get(field).get(d).asDouble();
        double y = b.get(field).get(d).asDouble();
        assertThat(Math.abs(x - y)).as(field + "[" + d + "]").isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(x)));
      }
    }

    assertThat(run("build-units", data.resolve("text").toString(), "-o", tmp.resolve("dir-units.txt").toString()))
        .isZero();
    assertThat(run("build-units", "--shard-list", list.toString(), "-o", tmp.resolve("shard-units.txt").toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("5 transcripts in 3 shard(s)");
    assertThat(Files.readString(tmp.resolve("shard-units.txt")))
        .isEqualTo(Files.readString(tmp.resolve("dir-units.txt"))).contains("K 2\nO 3");
  }

  @Test
  void aCorruptMemberIsSkippedAndNamedByShardAndMember() throws Exception {
    Path bad = tmp.resolve("bad.tar");
    byte[] good = Files.readAllBytes(Fixtures.path("audio/utt3.wav"));
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(bad))) {
      add(tar, "a.txt", "你好".getBytes(StandardCharsets.UTF_8));
      add(tar, "a.wav", good);
      add(tar, "b.txt", "坏的".getBytes(StandardCharsets.UTF_8));
      add(tar, "b.wav", "RIFF not really a wave file".getBytes(StandardCharsets.US_ASCII));
      add(tar, "c.txt", "没有声音".getBytes(StandardCharsets.UTF_8));
    }
    Path list = Files.writeString(tmp.resolve("bad.list"), "bad.tar\n");

    assertThat(run("cmvn", "--shard-list", list.toString(), "-o", tmp.resolve("c.json").toString()))
        .isEqualTo(Asr3m.EXIT_PARTIAL);
    assertThat(err.toString()).contains("2 bad input(s) in 1 shard(s) skipped")
        .contains(bad + ": b.wav: ").contains("utterance b skipped")
        .contains(bad + ": c.txt: transcript without audio member").doesNotContain("Exception");
    assertThat(run("cmvn", "--shard-list", list.toString(), "-o", tmp.resolve("c1.json").toString(), "--threads", "1"))
        .isEqualTo(Asr3m.EXIT_PARTIAL);
    // only utterance a went in, whatever the thread count
    assertThat(json(tmp.resolve("c.json"))).isEqualTo(json(tmp.resolve("c1.json")));
    assertThat(json(tmp.resolve("c.json")).get("frame_num").asLong()).isPositive();

    // units need no audio decoding: only the transcript without audio is a problem
    assertThat(run("build-units", "--shard-list", list.toString(), "-o", tmp.resolve("u.txt").toString()))
        .isEqualTo(Asr3m.EXIT_PARTIAL);
    assertThat(Files.readString(tmp.resolve("u.txt"))).contains("坏").doesNotContain("声");
    assertThat(err.toString()).contains("c.txt: transcript without audio member").doesNotContain("b.wav");

    Files.writeString(list, "missing.tar\n");
    assertThat(run("cmvn", "--shard-list", list.toString(), "-o", tmp.resolve("m.json").toString()))
        .isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("missing.tar").doesNotContain("Exception");
  }

  @Test
  void aShardListGivenAsDataDirOrBothSourcesAreBadInputs() throws Exception {
    Path list = Files.writeString(tmp.resolve("x.list"), "a.tar\n");
    assertThat(run("cmvn", "--data-dir", list.toString(), "-o", tmp.resolve("c.json").toString()))
        .isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("x.list: is a file").contains("--shard-list");
    assertThat(run("build-units", tmp.resolve("text").toString(), "--shard-list", list.toString(), "-o",
        tmp.resolve("u.txt").toString())).isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("one of the two");
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] bytes) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
