package org.asr3m.shards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.Fixtures;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeShardsTest {
  @TempDir
  Path tmp;

  private static List<ShardSample> readAll(List<String> shards, DataProblems problems) throws Exception {
    List<ShardSample> out = new ArrayList<>();
    ShardReader reader = new ShardReader(new UrlShardSource(), 0, 1);
    for (String s : shards) {
      reader.read(s, out::add, problems);
    }
    return out;
  }

  @Test
  void wholeFilesAreCopiedIntoShardsOfTheRequestedSizeAndListed() throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("data"), 3); // 9 utterances
    MakeShards.Result r = MakeShards.run(data, tmp.resolve("shards"), 4, 2);
    assertThat(r.shards()).hasSize(3);
    assertThat(r.written()).isEqualTo(3);
    assertThat(r.utterances()).isEqualTo(9);
    assertThat(r.problems()).isEmpty();
    List<String> listed = ShardList.read(tmp.resolve("shards/shards.list"));
    assertThat(listed).hasSize(3).allSatisfy(s -> assertThat(Path.of(s)).exists());
    DataProblems problems = new DataProblems(10);
    List<ShardSample> samples = readAll(listed, problems);
    assertThat(problems.count()).isZero();
    assertThat(samples).extracting(ShardSample::key).containsExactly("u000_1", "u000_2", "u000_3", "u001_1",
        "u001_2", "u001_3", "u002_1", "u002_2", "u002_3");
    assertThat(samples.get(4).text()).isEqualTo("我们去北京");
    assertThat(samples.get(4).audio()).isEqualTo(Files.readAllBytes(Fixtures.path("audio/utt2.wav")));
  }

  @Test
  void segmentsAreCutOutOfTheirRecordingAndARerunKeepsFinishedShards() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("seg"));
    Path rec = Fixtures.path("audio/utt1.wav");
    Files.writeString(data.resolve("wav.scp"), "rec1 " + rec + "\nrec2 " + Fixtures.path("audio/utt3.wav") + "\n");
    Files.writeString(data.resolve("segments"), "s1 rec1 0.0 0.5\ns2 rec1 0.5 1.0\ns3 rec2 0.1 0.6\n");
    Files.writeString(data.resolve("text"), "s1 今天\ns2 天气\ns3 你好\n");
    Path out = tmp.resolve("seg-shards");
    MakeShards.Result first = MakeShards.run(data, out, 1, 2);
    // a recording's segments stay in one shard: 2 shards for 3 utterances with 1 per shard
    assertThat(first.shards()).hasSize(2);
    List<ShardSample> samples = readAll(ShardList.read(out.resolve("shards.list")), new DataProblems(1));
    assertThat(samples).extracting(ShardSample::key).containsExactly("s1", "s2", "s3");
    Audio whole = AudioReader.read(rec, AudioOptions.MONO_16K);
    Audio s2 = AudioReader.decode(Path.of("s2.wav"), samples.get(1).audio(), AudioOptions.MONO_16K);
    assertThat(s2.samples()).containsExactly(whole.slice(0.5, 1.0).samples());

    FileTime before = Files.getLastModifiedTime(first.shards().get(0));
    Files.delete(first.shards().get(1));
    MakeShards.Result again = MakeShards.run(data, out, 1, 2);
    assertThat(again.written()).isEqualTo(1);
    assertThat(Files.getLastModifiedTime(first.shards().get(0))).isEqualTo(before);
    assertThat(readAll(ShardList.read(out.resolve("shards.list")), new DataProblems(1))).hasSize(3);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }

    Files.writeString(data.resolve("text"), "s1 今天\ns2 天气\ns3 你们\n");
    assertThatThrownBy(() -> MakeShards.run(data, out, 1, 2)).isInstanceOf(InputException.class)
        .hasMessageContaining("holds shards of another data directory");
  }

  @Test
  void unreadableRecordingsAreReportedAndTheRestWritten() throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("bad"), 1);
    Path junk = Files.writeString(tmp.resolve("junk.wav"), "not audio");
    Files.writeString(data.resolve("wav.scp"), Files.readString(data.resolve("wav.scp")) + "z " + junk + "\n");
    Files.writeString(data.resolve("text"), Files.readString(data.resolve("text")) + "z 你好\n");
    MakeShards.Result r = MakeShards.run(data, tmp.resolve("bad-shards"), 10, 1);
    assertThat(r.utterances()).isEqualTo(3);
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.getMessage()).contains("junk.wav")
        .contains("unsupported audio format"));
  }

  @Test
  void aRangeOfUtterancesIsShardedAloneReportingOnlyItsOwnProblems() throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("range"), 3); // 9 utterances
    Path junk = Files.writeString(tmp.resolve("junk.wav"), "not audio");
    Files.writeString(data.resolve("wav.scp"), Files.readString(data.resolve("wav.scp")) + "u001_9 " + junk + "\n");
    Files.writeString(data.resolve("text"), Files.readString(data.resolve("text")) + "u001_9 你好\n"
        + "orphan 你好\n");
    var dir = org.asr3m.data.KaldiDataDir.load(data);
    assertThat(dir.problems()).isNotEmpty(); // the orphan transcript: the directory's problem, not the range's
    // u001_1 .. u001_9 (4 utterances, one of them junk)
    List<org.asr3m.data.Utterance> range = dir.utterances().subList(3, 7);
    MakeShards.Result r = MakeShards.write(range, tmp.resolve("range-shards"), 2, 2);
    assertThat(r.shards()).hasSize(2);
    assertThat(r.utterances()).isEqualTo(3);
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.getMessage()).contains("junk.wav"));
    List<ShardSample> samples = readAll(ShardList.read(tmp.resolve("range-shards/shards.list")), new DataProblems(1));
    assertThat(samples).extracting(ShardSample::key).containsExactly("u001_1", "u001_2", "u001_3");
  }
}
