package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.asr3m.Fixtures;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.junit.jupiter.api.Test;

class ReverbAugmentTest {
  private static Audio speech() {
    return AudioReader.read(Fixtures.path("audio/utt1.wav"), AudioOptions.MONO_16K);
  }

  @Test
  void fftConvolutionEqualsTheDirectSum() {
    Random r = new Random(1);
    float[] x = new float[301];
    float[] h = new float[77];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < h.length; i++) {
      h[i] = (float) r.nextGaussian();
    }
    double[] y = Convolution.full(x, h);
    assertThat(y).hasSize(x.length + h.length - 1);
    for (int n = 0; n < y.length; n++) {
      double s = 0;
      for (int k = 0; k < h.length; k++) {
        if (n - k >= 0 && n - k < x.length) {
          s += (double) h[k] * x[n - k];
        }
      }
      assertThat(y[n]).isCloseTo(s, offset(1e-9));
    }
  }

  @Test
  void aUnitImpulseLeavesTheAudioAsItIs() {
    float[] x = speech().samples();
    float[] delayed = new float[50];
    delayed[20] = 0.5f; // direct path after 20 samples, half amplitude: aligned and rescaled back
    float[] y = ReverbAugment.reverberate(x, delayed);
    assertThat(y).hasSameSizeAs(x);
    assertThat(Fixtures.maxAbsDiff(x, y)).isLessThan(1e-6);
  }

  @Test
  void reverberationKeepsLengthPowerAndTiming() {
    Audio a = speech();
    ReverbAugment aug = new ReverbAugment(1, new SyntheticRir(0.3, 0.9, -3, 12));
    for (int seed = 0; seed < 5; seed++) {
      float[] y = aug.apply(a, new Random(seed)).samples();
      assertThat(aug.apply(a, new Random(seed)).samples()).isEqualTo(y);
      assertThat(y).hasSameSizeAs(a.samples());
      assertThat(NoiseAugment.power(y) / NoiseAugment.power(a.samples())).isCloseTo(1, offset(1e-4));
      for (float v : y) {
        assertThat(Float.isFinite(v)).isTrue();
      }
      // still aligned on the dry speech (correlated at lag 0), yet clearly changed
      double dot = 0;
      double diff = 0;
      for (int i = 0; i < y.length; i++) {
        dot += (double) y[i] * a.samples()[i];
        diff += (y[i] - a.samples()[i]) * (double) (y[i] - a.samples()[i]);
      }
      double corr = dot / y.length / NoiseAugment.power(y);
      assertThat(corr).as("seed " + seed).isBetween(0.2, 0.99);
      assertThat(diff / y.length / NoiseAugment.power(y)).isGreaterThan(0.01);
    }
  }

  /** The synthetic response decays by 60 dB over its RT60 (about −30 dB at half of it) and has its DRR. */
  @Test
  void syntheticResponsesDecayAtTheirRt60() {
    int rate = 16000;
    float[] h = new SyntheticRir(0.5, 0.5, 0, 0).rir(rate, new Random(3));
    int start = 0;
    while (h[1 + start] == 0) {
      start++;
    }
    start++; // first diffuse sample
    int win = rate / 50; // 20 ms
    double first = energy(h, start, win);
    double half = energy(h, start + rate / 4 - win / 2, win);
    assertThat(10 * Math.log10(half / first)).isCloseTo(-30, offset(3.0));
    assertThat(h.length - start).isEqualTo(rate / 2);
    assertThat(energy(h, 1, h.length - 1)).isCloseTo(1.0, offset(1e-4)); // DRR 0 dB: tail energy = direct energy
    float[] far = new SyntheticRir(0.5, 0.5, -6, -6).rir(rate, new Random(3));
    assertThat(10 * Math.log10(energy(far, 1, far.length - 1))).isCloseTo(6, offset(1e-3));
  }

  private static double energy(float[] h, int from, int n) {
    double s = 0;
    for (int i = from; i < from + n; i++) {
      s += (double) h[i] * h[i];
    }
    return s;
  }
}
