package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.asr3m.Fixtures;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.io.InputException;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseAugmentTest {
  @TempDir
  Path tmp;

  private static Audio speech() {
    return AudioReader.read(Fixtures.path("audio/utt1.wav"), AudioOptions.MONO_16K);
  }

  private static double measuredSnr(float[] clean, float[] mixed) {
    float[] n = new float[clean.length];
    for (int i = 0; i < n.length; i++) {
      n[i] = mixed[i] - clean[i];
    }
    return 10 * Math.log10(NoiseAugment.power(clean) / NoiseAugment.power(n));
  }

  @Test
  void theMixHasTheRequestedSnr() {
    Audio a = speech();
    for (String colour : ColouredNoise.KNOWN) {
      for (double snr : new double[] {-5, 0, 7.5, 20, 40}) {
        NoiseAugment aug = new NoiseAugment(1, snr, snr, new ColouredNoise(List.of(colour)));
        Audio mixed = aug.apply(a, new Random(11));
        assertThat(mixed.samples()).hasSameSizeAs(a.samples());
        assertThat(measuredSnr(a.samples(), mixed.samples())).as(colour + " at " + snr + " dB")
            .isCloseTo(snr, org.assertj.core.data.Offset.offset(0.01));
      }
    }
  }

  @Test
  void snrIsDrawnFromTheRangeAndTheDrawIsDeterministic() {
    Audio a = speech();
    NoiseAugment aug = new NoiseAugment(1, 5, 25, new ColouredNoise(List.of("white", "pink")));
    double lo = 99;
    double hi = -99;
    for (int seed = 0; seed < 40; seed++) {
      float[] x = aug.apply(a, new Random(seed)).samples();
      assertThat(aug.apply(a, new Random(seed)).samples()).isEqualTo(x); // same generator state, same samples
      double snr = measuredSnr(a.samples(), x);
      assertThat(snr).isBetween(5 - 0.01, 25 + 0.01);
      lo = Math.min(lo, snr);
      hi = Math.max(hi, snr);
    }
    assertThat(hi - lo).isGreaterThan(12); // the range is used, not one value
    assertThat(aug.apply(a, new Random(1)).samples()).isNotEqualTo(aug.apply(a, new Random(2)).samples());
  }

  @Test
  void probabilityIsTheShareOfAugmentedUtterances() {
    Audio a = new Audio(new float[1600], 16000);
    java.util.Arrays.fill(a.samples(), 0.1f);
    NoiseAugment never = new NoiseAugment(0, 10, 10, new ColouredNoise(List.of("white")));
    assertThat(never.apply(a, new Random(3))).isSameAs(a);
    NoiseAugment some = new NoiseAugment(0.3, 10, 10, new ColouredNoise(List.of("white")));
    int changed = 0;
    for (int seed = 0; seed < 2000; seed++) {
      if (some.apply(a, new Random(seed)) != a) {
        changed++;
      }
    }
    assertThat(changed / 2000.0).isBetween(0.27, 0.33);
  }

  /** Power per octave: flat for white (−3 dB/octave per bin doubling → +3 dB per octave band), etc. */
  @Test
  void colouredNoiseHasItsSpectralSlope() {
    int n = 1 << 16;
    double[] slopes = new double[3];
    for (int c = 0; c < 3; c++) {
      float[] x = new ColouredNoise(List.of(ColouredNoise.KNOWN.get(c))).noise(n, 16000, new Random(5));
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = x[i];
      }
      new DoubleFFT_1D(n).realForward(d);
      // mean power per bin in the 250-500 Hz band and in the 4-8 kHz band (4 octaves apart)
      slopes[c] = 10 * Math.log10(bandPower(d, n, 4000, 7999) / bandPower(d, n, 250, 500)) / 4;
    }
    assertThat(slopes[0]).isCloseTo(0, org.assertj.core.data.Offset.offset(0.3));   // white: 0 dB/octave
    assertThat(slopes[1]).isCloseTo(-3.01, org.assertj.core.data.Offset.offset(0.3)); // pink: −3 dB/octave
    assertThat(slopes[2]).isCloseTo(-6.02, org.assertj.core.data.Offset.offset(0.3)); // brown: −6 dB/octave
  }

  private static double bandPower(double[] packed, int n, double fLo, double fHi) {
    double s = 0;
    int count = 0;
    for (int k = 1; k < n / 2; k++) {
      double f = k * 16000.0 / n;
      if (f >= fLo && f <= fHi) {
        s += packed[2 * k] * packed[2 * k] + packed[2 * k + 1] * packed[2 * k + 1];
        count++;
      }
    }
    return s / count;
  }

  @Test
  void noiseFromAListOfFilesIsLoopedToTheUtteranceLength() throws Exception {
    Path wav = Fixtures.path("audio/utt3.wav").toAbsolutePath();
    Files.createDirectories(tmp.resolve("noise"));
    Files.copy(wav, tmp.resolve("noise/n1.wav"));
    Path list = Files.writeString(tmp.resolve("noise/list"), "# id path\nn1 n1.wav\n");
    AudioFileList files = AudioFileList.read(list, 1_000_000);
    assertThat(files.size()).isEqualTo(1);
    float[] src = AudioReader.read(wav, AudioOptions.MONO_16K).samples();
    float[] noise = new NoiseFiles(files).noise(src.length * 2 + 17, 16000, new Random(4));
    assertThat(noise).hasSize(src.length * 2 + 17);
    // a cyclic shift of the file: every sample of the first period reappears one period later
    for (int i = 0; i < src.length; i++) {
      assertThat(noise[i + src.length]).isEqualTo(noise[i]);
    }
    assertThat(AudioFileList.read(tmp.resolve("noise"), 0).size()).isEqualTo(1); // a directory works too
    Audio a = speech();
    Audio mixed = new NoiseAugment(1, 3, 3, new NoiseFiles(files)).apply(a, new Random(9));
    assertThat(measuredSnr(a.samples(), mixed.samples())).isCloseTo(3, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void badListsNameTheFileAndLine() throws Exception {
    Path list = Files.writeString(tmp.resolve("list"), "a\n");
    assertThatThrownBy(() -> AudioFileList.read(list, 0)).isInstanceOf(InputException.class)
        .hasMessageContaining("list:1").hasMessageContaining("expected '<id> <path>'");
    Files.writeString(list, "a missing.wav\n");
    assertThatThrownBy(() -> AudioFileList.read(list, 0)).hasMessageContaining("list:1")
        .hasMessageContaining("audio file not found");
    Files.writeString(list, "\n");
    assertThatThrownBy(() -> AudioFileList.read(list, 0)).hasMessageContaining("no audio files listed");
    assertThatThrownBy(() -> AudioFileList.read(tmp.resolve("none"), 0)).hasMessageContaining("audio list not found");
  }
}
