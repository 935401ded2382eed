package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data fingerprint follows the content of a data directory, not where it lives. */
class DataFingerprintTest {
  @TempDir
  Path tmp;

  private Path corpus;
  private Path data;

  /** A small corpus laid out like tiny-cmn: audio/ next to data/, wav.scp with relative paths. */
  @BeforeEach
  void corpus() throws Exception {
    corpus = Files.createDirectories(tmp.resolve("corpus"));
    Files.createDirectories(corpus.resolve("audio"));
    for (int i = 1; i <= 3; i++) {
      Files.copy(Fixtures.path("audio/utt" + i + ".wav"), corpus.resolve("audio/utt" + i + ".wav"));
    }
    data = Files.createDirectories(corpus.resolve("data"));
    Files.writeString(data.resolve("wav.scp"), "u1 ../audio/utt1.wav\nu2 ../audio/utt2.wav\nu3 ../audio/utt3.wav\n");
    Files.writeString(data.resolve("text"), "u1 今天天气很好\nu2 我们去北京\nu3 你好\n");
  }

  @Test
  void isAStableSha256ThatSurvivesCopyingTheCorpus() throws Exception {
    String a = DataFingerprint.of(data);
    assertThat(a).matches("[0-9a-f]{64}");
    assertThat(DataFingerprint.of(data)).isEqualTo(a);
    Path copy = tmp.resolve("elsewhere/corpus");
    Files.createDirectories(copy.resolve("audio"));
    Files.createDirectories(copy.resolve("data"));
    for (String f : new String[] {"audio/utt1.wav", "audio/utt2.wav", "audio/utt3.wav", "data/wav.scp", "data/text"}) {
      Files.copy(corpus.resolve(f), copy.resolve(f));
    }
    assertThat(DataFingerprint.of(copy.resolve("data"))).isEqualTo(a);
    // files a stage does not read do not count
    Files.writeString(data.resolve("utt2spk"), "u1 s1\nu2 s1\nu3 s2\n");
    assertThat(DataFingerprint.of(data)).isEqualTo(a);
  }

  @Test
  void changesWhenTranscriptsListSegmentsOrAudioChange() throws Exception {
    String a = DataFingerprint.of(data);
    Files.writeString(data.resolve("text"), "u1 今天天气很好\nu2 我们去北京\nu3 你们好\n");
    String textChanged = DataFingerprint.of(data);
    assertThat(textChanged).isNotEqualTo(a);

    Files.writeString(data.resolve("segments"), "u1 u1 0.0 1.0\n");
    String withSegments = DataFingerprint.of(data);
    assertThat(withSegments).isNotEqualTo(textChanged);

    Files.writeString(data.resolve("wav.scp"), "u1 ../audio/utt1.wav\nu2 ../audio/utt2.wav\n");
    String fewer = DataFingerprint.of(data);
    assertThat(fewer).isNotEqualTo(withSegments);

    // same lists, one audio file a byte longer
    Files.write(corpus.resolve("audio/utt2.wav"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    assertThat(DataFingerprint.of(data)).isNotEqualTo(fewer);
  }

  @Test
  void aMissingAudioFileIsAnErrorNamingIt() throws Exception {
    Files.delete(corpus.resolve("audio/utt2.wav"));
    assertThatThrownBy(() -> DataFingerprint.of(data)).isInstanceOf(InputException.class)
        .hasMessageContaining("wav.scp:2: recording u2: audio file")
        .hasMessageContaining("utt2.wav not found");
    assertThatThrownBy(() -> DataFingerprint.of(tmp.resolve("nope"))).isInstanceOf(InputException.class)
        .hasMessageContaining("nope: data directory not found");
    Files.delete(data.resolve("wav.scp"));
    assertThatThrownBy(() -> DataFingerprint.of(data)).hasMessageContaining("wav.scp: missing");
  }

  @Test
  void tinyCmnTrainHasAFingerprint() {
    // 450 utterances: only sizes are read, so this is quick
    assertThat(DataFingerprint.of(Path.of("../recipes/tiny-cmn/data/train")))
        .isNotEqualTo(DataFingerprint.of(Path.of("../recipes/tiny-cmn/data/dev")));
  }
}
