package org.asr3m.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.Fixtures;
import org.asr3m.features.ColouredNoise;
import org.asr3m.features.NoiseFiles;
import org.asr3m.features.RirFiles;
import org.asr3m.features.SyntheticRir;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AugmentationConfTest {
  @TempDir
  Path tmp;

  private Recipe read(String yaml) throws Exception {
    return Recipe.read(Files.writeString(tmp.resolve("r.yaml"), yaml));
  }

  @Test
  void absentMeansOff() throws Exception {
    Recipe.DataConf d = read("dataset_conf:\n  speed_perturb: true\n").data();
    assertThat(d.noiseAug()).isNull();
    assertThat(d.reverbAug()).isNull();
    assertThat(d.padAug()).isNull();
  }

  @Test
  void silencePads() throws Exception {
    Recipe.DataConf d = read("dataset_conf:\n  pad_aug: {prob: 0.5, lead_max: 0.3, trail_max: 0.5}\n").data();
    assertThat(d.padAug().probability()).isEqualTo(0.5);
    assertThat(d.padAug().maxLeadSeconds()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(d.padAug().maxTrailSeconds()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(read("dataset_conf:\n  pad_aug: {trail_max: 0.4}\n").data().padAug().maxLeadSeconds()).isZero();
    assertThatThrownBy(() -> read("dataset_conf:\n  pad_aug:\n    prob: 1\n"))
        .hasMessageContaining("r.yaml:").hasMessageContaining("dataset_conf.pad_aug: lead_max and trail_max are both 0");
    assertThatThrownBy(() -> read("dataset_conf:\n  pad_aug:\n    trail_max: 7\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.pad_aug.trail_max: must be between");
    assertThatThrownBy(() -> read("dataset_conf:\n  pad_aug:\n    trail: 0.3\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.pad_aug.trail: unknown key");
  }

  @Test
  void generatedNoiseAndReverb() throws Exception {
    Recipe.DataConf d = read("""
        dataset_conf:
          noise_aug:
            prob: 0.6
            snr_min: 0
            snr_max: 15
            colours: white, brown
          reverb_aug:
            prob: 0.4
            rt60_min: 0.1
            rt60_max: 0.5
            drr_min: 2
            drr_max: 8
            predelay_max: 0.05
            hf_rt60_ratio_min: 0.3
            hf_rt60_ratio_max: 0.8
        """).data();
    assertThat(d.noiseAug().probability()).isEqualTo(0.6f, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(d.noiseAug().minSnrDb()).isEqualTo(0);
    assertThat(d.noiseAug().maxSnrDb()).isEqualTo(15);
    assertThat(d.noiseAug().source()).isEqualTo(new ColouredNoise(List.of("white", "brown")));
    assertThat(d.reverbAug().probability()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-6));
    SyntheticRir rir = (SyntheticRir) d.reverbAug().source();
    assertThat(rir.minRt60()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(rir.maxRt60()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(rir.minDrrDb()).isEqualTo(2);
    assertThat(rir.maxDrrDb()).isEqualTo(8);
    assertThat(rir.maxPredelay()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(rir.minHfRatio()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(rir.maxHfRatio()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
    SyntheticRir flat = (SyntheticRir) read("dataset_conf:\n  reverb_aug: {prob: 1}\n").data().reverbAug().source();
    assertThat(flat.maxPredelay()).isEqualTo(SyntheticRir.DEFAULT_MAX_PREDELAY); // the exact default, as before
    assertThat(flat.minHfRatio()).isEqualTo(1);
    assertThat(flat.maxHfRatio()).isEqualTo(1);
  }

  @Test
  void listsAreRelativeToTheRecipe() throws Exception {
    Files.createDirectories(tmp.resolve("noise"));
    Files.copy(Fixtures.path("audio/utt3.wav"), tmp.resolve("noise/n.wav"));
    Files.writeString(tmp.resolve("noise/list"), "n n.wav\n");
    Recipe.DataConf d = read("""
        dataset_conf:
          noise_aug: {prob: 1, snr_min: 5, snr_max: 5, noise_list: noise/list}
          reverb_aug: {rir_list: noise}
        """).data();
    assertThat(((NoiseFiles) d.noiseAug().source()).files().size()).isEqualTo(1);
    assertThat(((RirFiles) d.reverbAug().source()).files().size()).isEqualTo(1);
  }

  @Test
  void errorsNameFileLineAndField() throws Exception {
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    prob: 1.5\n")).isInstanceOf(InputException.class)
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.noise_aug.prob: must be between 0.0 and 1.0");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    snr_min: 20\n    snr_max: 10\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.noise_aug.snr_min: is larger than snr_max");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    colours: white purple\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.noise_aug.colours: must be a list of")
        .hasMessageContaining("'purple'");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    snr_mni: 3\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.noise_aug.snr_mni: unknown key");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug: true\n"))
        .hasMessageContaining("r.yaml:2").hasMessageContaining("dataset_conf.noise_aug: must be a mapping");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    colours: white\n    noise_list: x\n"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> read("dataset_conf:\n  noise_aug:\n    noise_list: nolist\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.noise_aug.noise_list:")
        .hasMessageContaining("nolist: audio list not found");
    Files.writeString(tmp.resolve("bad.list"), "a a.wav\nb\n");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    rir_list: bad.list\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.reverb_aug.rir_list:")
        .hasMessageContaining("bad.list:1: audio file not found");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    rt60_max: 5\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.reverb_aug.rt60_max: must be between");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    rt60_min: 0.9\n    rt60_max: 0.3\n"))
        .hasMessageContaining("dataset_conf.reverb_aug.rt60_min: is larger than rt60_max");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    hf_rt60_ratio_min: 0.9\n    hf_rt60_ratio_max: 0.3\n"))
        .hasMessageContaining("r.yaml:3")
        .hasMessageContaining("dataset_conf.reverb_aug.hf_rt60_ratio_min: is larger than hf_rt60_ratio_max");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    predelay_max: 0.5\n"))
        .hasMessageContaining("r.yaml:3").hasMessageContaining("dataset_conf.reverb_aug.predelay_max: must be between");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    hf_rt60_ratio_max: 1.5\n"))
        .hasMessageContaining("dataset_conf.reverb_aug.hf_rt60_ratio_max: must be between");
    Files.writeString(tmp.resolve("one.list"), "a a.wav\n");
    assertThatThrownBy(() -> read("dataset_conf:\n  reverb_aug:\n    rir_list: one.list\n    predelay_max: 0.02\n"))
        .hasMessageContaining("dataset_conf.reverb_aug.predelay_max: applies to synthetic responses only");
  }
}
