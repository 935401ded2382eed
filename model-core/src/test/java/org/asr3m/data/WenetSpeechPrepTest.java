package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.cli.Asr3m;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WenetSpeech.json → Kaldi data directories, on a hand-made metadata file with the release's layout. */
class WenetSpeechPrepTest {
  private static final String JSON = """
      {"dataset": "WenetSpeech", "version": "v1.0",
       "audios": [
        {"aid": "Y0000000000_a", "path": "audio/train/youtube/B00000/Y0000000000_a.opus", "duration": 2.5,
         "segments": [
          {"sid": "Y0000000000_a_S00000", "begin_time": 0.0, "end_time": 0.5, "text": "今天 天气", "confidence": 1.0,
           "subsets": ["{L}", "{M}"]},
          {"sid": "Y0000000000_a_S00001", "begin_time": 0.5, "end_time": 1.0, "text": "很好", "subsets": ["{L}"]},
          {"sid": "Y0000000000_a_S00002", "begin_time": 3.0, "end_time": 2.0, "text": "坏的", "subsets": ["{L}"]}]},
        {"aid": "X0000000001_b", "path": "audio/dev/X0000000001_b.opus", "duration": 1.0,
         "segments": [
          {"sid": "X0000000001_b_S00000", "begin_time": 0.1, "end_time": 0.9, "text": "你好", "subsets": ["{DEV}"]}]}
       ]}
      """;

  @TempDir
  Path tmp;

  private int run(StringWriter out, StringWriter err, String... args) {
    return Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void writesOneDataDirectoryPerSubsetThatTheLoaderReads() throws Exception {
    Path json = Files.writeString(tmp.resolve("WenetSpeech.json"), JSON);
    Path audio = tmp.resolve("flac");
    for (String rel : new String[] {"audio/train/youtube/B00000/Y0000000000_a.wav", "audio/dev/X0000000001_b.wav"}) {
      Files.createDirectories(audio.resolve(rel).getParent());
      Files.copy(Fixtures.path("audio/utt2.wav"), audio.resolve(rel));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "prep-wenetspeech", "--json", json.toString(), "--audio-root", audio.toString(),
        "--audio-ext", "wav", "--subsets", "L,M,DEV", "--out", tmp.resolve("data").toString());
    // the segment whose end precedes its start is named and left out: partial result
    assertThat(code).isEqualTo(Asr3m.EXIT_PARTIAL);
    assertThat(err.toString()).contains("WenetSpeech.json:").contains("audios[0].segments[2] (Y0000000000_a_S00002)")
        .contains("1 segment(s) left out");
    assertThat(out.toString()).contains("train_l").contains("2 segments").contains("dev");

    KaldiDataDir train = KaldiDataDir.load(tmp.resolve("data/train_l"));
    assertThat(train.problems()).isEmpty();
    assertThat(train.utterances()).extracting(Utterance::id)
        .containsExactly("Y0000000000_a_S00000", "Y0000000000_a_S00001");
    Utterance first = train.utterances().get(0);
    assertThat(first.text()).isEqualTo("今天 天气");
    assertThat(first.endSec()).isEqualTo(0.5);
    assertThat(first.audio()).isEqualTo(audio.resolve("audio/train/youtube/B00000/Y0000000000_a.wav").toAbsolutePath());
    assertThat(Files.readAllLines(tmp.resolve("data/train_l/wav.scp"))).hasSize(1);
    assertThat(KaldiDataDir.load(tmp.resolve("data/train_m")).utterances()).hasSize(1);
    assertThat(KaldiDataDir.load(tmp.resolve("data/dev")).utterances()).extracting(Utterance::id)
        .containsExactly("X0000000001_b_S00000");

    // a later run on broken metadata fails without touching what the good run wrote
    String before = Files.readString(tmp.resolve("data/train_l/text"));
    Path broken = Files.writeString(tmp.resolve("broken.json"), JSON.substring(0, JSON.length() / 2));
    StringWriter err2 = new StringWriter();
    assertThat(run(new StringWriter(), err2, "prep-wenetspeech", "--json", broken.toString(), "--audio-root",
        audio.toString(), "--audio-ext", "wav", "--subsets", "L", "--out", tmp.resolve("data").toString()))
        .isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err2.toString()).contains("broken.json:").contains("malformed JSON");
    assertThat(Files.readString(tmp.resolve("data/train_l/text"))).isEqualTo(before);
    try (var files = Files.list(tmp.resolve("data/train_l"))) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("wav.scp", "segments", "text",
          "utt2spk");
    }
  }

  @Test
  void malformedMetadataNamesFileAndLine() throws Exception {
    Path json = Files.writeString(tmp.resolve("bad.json"), "{\"audios\": [\n {\"aid\": \"a\",\n \"path\": }\n]}");
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "prep-wenetspeech", "--json", json.toString(), "--audio-root",
        tmp.toString(), "--out", tmp.resolve("d").toString());
    assertThat(code).isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("bad.json:3").contains("malformed JSON");

    Path noPath = Files.writeString(tmp.resolve("nopath.json"), "{\"audios\": [\n {\"aid\": \"a\", \"segments\": []}\n]}");
    err = new StringWriter();
    code = run(new StringWriter(), err, "prep-wenetspeech", "--json", noPath.toString(), "--audio-root",
        tmp.toString(), "--out", tmp.resolve("e").toString());
    assertThat(code).isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("nopath.json:2").contains("audios[0]: missing field \"path\"");
  }
}
