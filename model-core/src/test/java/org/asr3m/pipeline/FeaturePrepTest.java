package org.asr3m.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.cli.Asr3m;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.io.InputException;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature-preparation stage against the CLI commands it replaces. */
class FeaturePrepTest {
  private static final Path TRAIN = Path.of("../recipes/tiny-cmn/data/train");

  @TempDir
  Path tmp;

  @Test
  void writesTheSameUnitsAndCmvnAsTheCli() throws Exception {
    Path cli = tmp.resolve("cli");
    StringWriter err = new StringWriter();
    PrintWriter out = new PrintWriter(new StringWriter());
    assertThat(Asr3m.run(out, new PrintWriter(err), "build-units", TRAIN.resolve("text").toString(), "-o",
        cli.resolve("units.txt").toString())).as(err.toString()).isZero();
    assertThat(Asr3m.run(out, new PrintWriter(err), "cmvn", "--data-dir", TRAIN.toString(), "-o",
        cli.resolve("global_cmvn").toString())).as(err.toString()).isZero();

    StringWriter log = new StringWriter();
    FeaturePrep.Result r = FeaturePrep.prepare(TRAIN, Recipe.read(Path.of("../recipes/tiny-cmn/3m.yaml")),
        tmp.resolve("api"), 2, new PrintWriter(log));
    assertThat(r.units()).isEqualTo(tmp.resolve("api/units.txt"));
    assertThat(r.cmvn()).isEqualTo(tmp.resolve("api/global_cmvn"));
    assertThat(Files.readAllBytes(r.units())).isEqualTo(Files.readAllBytes(cli.resolve("units.txt")));
    assertThat(Files.readAllBytes(r.cmvn())).isEqualTo(Files.readAllBytes(cli.resolve("global_cmvn")));
    // the corpus's own counts: every line of wav.scp, and <blank>, <unk>, the characters, <sos/eos>
    int utts = Files.readAllLines(TRAIN.resolve("wav.scp")).size();
    int units = (int) Files.readAllLines(TRAIN.resolve("text")).stream()
        .flatMap(l -> l.substring(l.indexOf(' ') + 1).codePoints().filter(c -> !Character.isWhitespace(c)).boxed())
        .distinct().count() + 3;
    assertThat(r.utterances()).isEqualTo(utts);
    assertThat(r.frames()).isEqualTo(GlobalCmvn.read(r.cmvn()).frameCount()).isPositive();
    assertThat(r.problems()).isEmpty();
    assertThat(Files.readAllLines(r.units())).hasSize(units);
    assertThat(log.toString()).contains(utts + " transcripts -> " + units + " units").contains(utts + " utterances");
  }

  @Test
  void badUtterancesAreSkippedAndReturnedAsProblems() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    Files.write(tmp.resolve("empty.wav"), new byte[0]);
    Files.writeString(d.resolve("wav.scp"), "a " + Fixtures.path("audio/utt1.wav") + "\nb " + tmp.resolve("empty.wav")
        + "\nc " + tmp.resolve("missing.wav") + "\n");
    Files.writeString(d.resolve("text"), "a 你好\nb 再见\nc 一\n");
    StringWriter log = new StringWriter();
    FeaturePrep.Result r = FeaturePrep.prepare(d, Recipe.fromYaml(Path.of("r.yaml"), "max_epoch: 1\n"),
        tmp.resolve("out"), 1, new PrintWriter(log));
    assertThat(r.utterances()).isEqualTo(1);
    assertThat(r.frames()).isEqualTo(220); // utt1.wav, as FeatureCommandsTest
    assertThat(r.problems()).extracting(InputException::getMessage)
        .anyMatch(m -> m.contains("wav.scp:3: recording c: audio file") && m.contains("missing.wav not found"))
        .anyMatch(m -> m.startsWith("b: ") && m.contains("empty"))
        .hasSize(2);
    assertThat(log.toString()).contains("warning: b: ");

    // nothing readable at all is an error, not an empty CMVN
    Files.writeString(d.resolve("wav.scp"), "b " + tmp.resolve("empty.wav") + "\n");
    Files.writeString(d.resolve("text"), "b 再见\n");
    assertThatThrownBy(() -> FeaturePrep.prepare(d, Recipe.fromYaml(Path.of("r.yaml"), "max_epoch: 1\n"),
        tmp.resolve("out2"), 1, new PrintWriter(new StringWriter()))).isInstanceOf(InputException.class)
        .hasMessageContaining("no readable audio to compute CMVN from");
  }

  @Test
  void settingsKeyChangesWithTheFrontEndOnly() {
    String base = FeaturePrep.settingsKey(Recipe.fromYaml(Path.of("r.yaml"), "max_epoch: 1\n"));
    assertThat(base).contains("num_mel_bins=80").contains("frame_shift_ms=10.0").contains("sample_rate=16000");
    // training-time augmentation and model settings do not change units or CMVN
    assertThat(FeaturePrep.settingsKey(Recipe.fromYaml(Path.of("r.yaml"), """
        max_epoch: 9
        encoder_conf: {num_blocks: 2}
        dataset_conf: {fbank_conf: {dither: 0.5}, speed_perturb: false, spec_aug: false}
        """))).isEqualTo(base);
    assertThat(FeaturePrep.settingsKey(Recipe.fromYaml(Path.of("r.yaml"),
        "dataset_conf: {fbank_conf: {frame_shift: 12}}\n"))).isNotEqualTo(base);
    assertThat(FeaturePrep.settingsKey(Recipe.fromYaml(Path.of("r.yaml"),
        "input_dim: 40\ndataset_conf: {fbank_conf: {num_mel_bins: 40}}\n"))).isNotEqualTo(base);
  }
}
