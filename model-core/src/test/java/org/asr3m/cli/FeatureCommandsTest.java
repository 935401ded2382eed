package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.data.FeatureShards;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fbank, cmvn and build-units as a user runs them. */
class FeatureCommandsTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c : new String[] {"fbank", "cmvn", "build-units", "train", "decode", "cer", "params", "ctc-loss"}) {
      out.getBuffer().setLength(0);
      assertThat(run(c, "--help")).as(c).isZero();
      assertThat(out.toString()).as(c).startsWith("Usage: asr3m " + c);
    }
    assertThat(run("bench", "fbank", "--help")).isZero();
  }

  @Test
  void fbankWritesNpyAndKaldiText() throws Exception {
    Path wav = Fixtures.path("audio/utt1.wav");
    assertThat(run("fbank", wav.toString(), tmp.resolve("a.npy").toString())).isZero();
    Npy.Array a = Npy.read(tmp.resolve("a.npy"));
    assertThat(a.shape()).containsExactly(220, 80);
    assertThat(run("fbank", wav.toString(), tmp.resolve("a.txt").toString())).isZero();
    String text = Files.readString(tmp.resolve("a.txt"));
    assertThat(text).startsWith("utt1  [\n").endsWith(" ]\n");
    assertThat(text.lines().count()).isEqualTo(221);
  }

  @Test
  void fbankOnAMissingFileFailsWithTheFileNamed() {
    assertThat(run("fbank", tmp.resolve("nope.wav").toString(), tmp.resolve("x.npy").toString()))
        .isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("nope.wav: audio file not found").doesNotContain("Exception");
  }

  /** Counts out of range are reported with the option's name, before any work. */
  @Test
  void outOfRangeCountsNameTheOption() throws Exception {
    Path wav = Fixtures.path("audio/utt1.wav");
    Path d = Files.createDirectories(tmp.resolve("ok"));
    Files.writeString(d.resolve("wav.scp"), "utt1 " + wav + "\n");
    Files.writeString(d.resolve("text"), "utt1 你好\n");
    assertThat(run("fbank", wav.toString(), tmp.resolve("s.npy").toString(), "--shard-size-mb", "0"))
        .isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("--shard-size-mb must be at least 1, got 0").doesNotContain("Exception");
    assertThat(run("make-shards", "--data-dir", d.toString(), "--out", tmp.resolve("shards").toString(),
        "--threads", "0")).isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("--threads must be at least 1, got 0");
  }

  @Test
  void dataDirWritesGoodUtterancesAndReportsEveryBadOneAtTheEnd() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    Files.write(tmp.resolve("empty.wav"), new byte[0]);
    byte[] wav = Files.readAllBytes(Fixtures.path("audio/utt1.wav"));
    Files.write(tmp.resolve("cut.wav"), java.util.Arrays.copyOf(wav, 30));
    Files.writeString(d.resolve("wav.scp"), String.join("\n",
        "a " + Fixtures.path("audio/utt1.wav"),
        "b " + Fixtures.path("audio/utt2.wav"),
        "c " + tmp.resolve("empty.wav"),
        "d " + tmp.resolve("cut.wav"),
        "e " + Fixtures.path("audio/utt1_stereo.wav"),
        "f " + Fixtures.path("audio/utt1_8k.wav"),
        "g " + tmp.resolve("missing.wav"),
        "a " + Fixtures.path("audio/utt3.wav")) + "\n");
    Files.writeString(d.resolve("text"), "a 你好\nb 再见\nc 一\nd 二\ne 三\nf 四\n");
    Path units = tmp.resolve("units.txt");
    assertThat(run("build-units", d.resolve("text").toString(), "-o", units.toString())).isZero();
    Path shards = tmp.resolve("shards");
    int code = run("fbank", "--data-dir", d.toString(), "--units", units.toString(), shards.toString());
    assertThat(code).isEqualTo(Asr3m.EXIT_PARTIAL);
    String e = err.toString();
    assertThat(e).contains("wav.scp:8: duplicate id a (first on line 1)")
        .contains("wav.scp:7: recording g: audio file").contains("c: ").contains("audio file is empty")
        .contains("d: ").contains("truncated WAV").contains("e: ").contains("2 channels")
        .contains("f: ").contains("8000 Hz").doesNotContain("Exception");
    FeatureShards.Reader reader = FeatureShards.Reader.open(shards);
    assertThat(reader.entries()).extracting(FeatureShards.Entry::id).containsExactly("a", "b");
    assertThat(reader.read(reader.entries().get(0)).tokens()).hasSize(2);
  }

  @Test
  void cmvnFromAudioAndFromShardsAgree() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(d.resolve("wav.scp"), "a " + Fixtures.path("audio/utt1.wav") + "\nb " + Fixtures.path("audio/utt2.wav") + "\n");
    assertThat(run("cmvn", "--data-dir", d.toString(), "-o", tmp.resolve("c1.json").toString())).isZero();
    assertThat(run("fbank", "--data-dir", d.toString(), tmp.resolve("shards").toString())).isZero();
    assertThat(run("cmvn", "--shards", tmp.resolve("shards").toString(), "-o", tmp.resolve("c2.json").toString())).isZero();
    GlobalCmvn c1 = GlobalCmvn.read(tmp.resolve("c1.json"));
    GlobalCmvn c2 = GlobalCmvn.read(tmp.resolve("c2.json"));
    assertThat(c1.frameCount()).isEqualTo(220 + 258).isEqualTo(c2.frameCount());
    for (int i = 0; i < 80; i++) {
      assertThat(c2.mean()[i]).isCloseTo(c1.mean()[i], org.assertj.core.data.Offset.offset(1e-9));
    }
  }
}
