package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KaldiDataDirTest {
  @TempDir
  Path dir;

  private void audio(String... names) throws Exception {
    Files.createDirectories(dir.resolve("wav"));
    for (String n : names) {
      Files.write(dir.resolve("wav/" + n), new byte[] {1});
    }
  }

  @Test
  void readsRelativePathsTextAndSpeakers() throws Exception {
    audio("a.wav", "b.wav");
    Files.writeString(dir.resolve("wav.scp"), "b wav/b.wav\na wav/a.wav\n");
    Files.writeString(dir.resolve("text"), "a 你好 世界\nb 再见\n");
    Files.writeString(dir.resolve("utt2spk"), "a s1\nb s2\n");
    KaldiDataDir d = KaldiDataDir.load(dir);
    assertThat(d.problems()).isEmpty();
    assertThat(d.utterances()).extracting(Utterance::id).containsExactly("a", "b");
    Utterance a = d.utterances().get(0);
    assertThat(a.audio()).isEqualTo(dir.resolve("wav/a.wav"));
    assertThat(a.text()).isEqualTo("你好 世界");
    assertThat(a.speaker()).isEqualTo("s1");
    assertThat(a.endSec()).isEqualTo(-1);
  }

  @Test
  void segmentsDefineTheUtterances() throws Exception {
    audio("rec.wav");
    Files.writeString(dir.resolve("wav.scp"), "rec1 wav/rec.wav\n");
    Files.writeString(dir.resolve("segments"), "u1 rec1 0.0 1.5\nu2 rec1 1.5 -1\nu3 rec9 0 1\nu4 rec1 2 1\n");
    KaldiDataDir d = KaldiDataDir.load(dir);
    assertThat(d.utterances()).extracting(Utterance::id).containsExactly("u1", "u2");
    assertThat(d.utterances().get(0).endSec()).isEqualTo(1.5);
    assertThat(d.problems()).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m)
        .contains("segments:3").contains("recording rec9 is not in wav.scp"))
        .anySatisfy(m -> assertThat(m).contains("segments:4").contains("must be >= 0 and before end"));
  }

  @Test
  void everyBadLineIsReportedWithFileAndLineAndGoodOnesSurvive() throws Exception {
    audio("a.wav", "b.wav", "c.wav");
    Files.writeString(dir.resolve("wav.scp"), "a wav/a.wav\nb wav/b.wav\na wav/c.wav\nd wav/missing.wav\ne\nc wav/c.wav\n");
    Files.writeString(dir.resolve("text"), "a 一\n  没有编号\nb 二\nz 多余\n");
    KaldiDataDir d = KaldiDataDir.load(dir);
    assertThat(d.utterances()).extracting(Utterance::id).containsExactly("a", "b");
    List<String> msgs = d.problems().stream().map(Throwable::getMessage).toList();
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("wav.scp:3").contains("duplicate id a (first on line 1)"));
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("wav.scp:4").contains("missing.wav not found"));
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("wav.scp:5").contains("no value"));
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("text:2").contains("no id"));
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("text:4").contains("z has a transcript but no audio"));
    assertThat(msgs).anySatisfy(m -> assertThat(m).contains("text").contains("utterance c has no transcript"));
  }

  @Test
  void missingDirectoryOrWavScpIsAnError() throws Exception {
    assertThatThrownBy(() -> KaldiDataDir.load(dir.resolve("nope"))).isInstanceOf(InputException.class)
        .hasMessageContaining("data directory not found");
    assertThatThrownBy(() -> KaldiDataDir.load(dir)).hasMessageContaining("wav.scp").hasMessageContaining("missing");
  }

  @Test
  void writeThenLoadRoundTrips() throws Exception {
    audio("a.wav", "b.wav");
    Path out = dir.resolve("copy");
    KaldiDataDir.write(out, List.of(new Utterance("b", dir.resolve("wav/b.wav"), 0, -1, "二", "s"),
        new Utterance("a", dir.resolve("wav/a.wav"), 0, -1, "一", "s")));
    KaldiDataDir d = KaldiDataDir.load(out);
    assertThat(d.problems()).isEmpty();
    assertThat(d.utterances()).extracting(Utterance::id, Utterance::text).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a", "一"), org.assertj.core.groups.Tuple.tuple("b", "二"));
  }
}
