package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

  /**
   * With a high-frequency ratio r each band decays at its own rate: the energy below 1 kHz falls
   * 60 dB over RT60, the energy above 4 kHz over RT60 · r; the tail starts within the pre-delay and
   * the DRR holds for the whole response.
   */
  @Test
  void bandedResponsesDecayFasterAtHighFrequencies() {
    int rate = 16000;
    double rt60 = 0.8;
    double r = 0.4;
    SyntheticRir rooms = new SyntheticRir(rt60, rt60, 3, 3, 0.05, r, r);
    double lowDecay = 0;
    double highDecay = 0;
    int n = 8;
    for (int seed = 0; seed < n; seed++) {
      float[] h = rooms.rir(rate, new Random(seed));
      int start = 1;
      while (h[start] == 0) {
        start++;
      }
      assertThat(start).isBetween(1 + rate / 1000, 1 + rate / 20);
      assertThat(h.length - start).isEqualTo((int) Math.round(rt60 * rate));
      assertThat(10 * Math.log10(energy(h, 1, h.length - 1))).isCloseTo(-3, offset(1e-3));
      // band energies in 64 ms windows at 0.05 s and 0.15 s into the tail
      int win = 1024;
      double[] early = bandEnergies(h, start + rate / 20, win, rate);
      double[] late = bandEnergies(h, start + 3 * rate / 20, win, rate);
      lowDecay += 10 * Math.log10(late[0] / early[0]) / n;
      highDecay += 10 * Math.log10(late[1] / early[1]) / n;
    }
    // 0.1 s apart: −60 dB · 0.1 / RT60 below 1 kHz (−7.5 dB), −60 · 0.1 / (RT60 · r) above 4 kHz (−18.75 dB)
    assertThat(lowDecay).isCloseTo(-60 * 0.1 / rt60, offset(1.5));
    assertThat(highDecay).isCloseTo(-60 * 0.1 / (rt60 * r), offset(1.5));
    // drawn from the generator alone, as resume needs
    assertThat(rooms.rir(rate, new Random(11))).isEqualTo(rooms.rir(rate, new Random(11)));
  }

  /** Energy below 1 kHz and above 4 kHz of h[from, from + n) (Hann window, direct DFT of the bins). */
  private static double[] bandEnergies(float[] h, int from, int n, int rate) {
    double low = 0;
    double high = 0;
    for (int bin = 1; bin < n / 2; bin++) {
      double f = (double) bin * rate / n;
      if (f >= 1000 && f < 4000) {
        continue;
      }
      double re = 0;
      double im = 0;
      for (int i = 0; i < n; i++) {
        double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        re += w * h[from + i] * Math.cos(2 * Math.PI * bin * i / n);
        im -= w * h[from + i] * Math.sin(2 * Math.PI * bin * i / n);
      }
      if (f < 1000) {
        low += re * re + im * im;
      } else {
        high += re * re + im * im;
      }
    }
    return new double[] {low, high};
  }

  @Test
  void badRoomSettingsAreRejected() {
    assertThatThrownBy(() -> new SyntheticRir(0.5, 0.5, 0, 0, 0.2, 1, 1)).hasMessageContaining("pre-delay");
    assertThatThrownBy(() -> new SyntheticRir(0.5, 0.5, 0, 0, 0.01, 0.8, 0.5)).hasMessageContaining("ratio");
    assertThatThrownBy(() -> new SyntheticRir(0.5, 0.5, 0, 0, 0.01, 0, 1)).hasMessageContaining("ratio");
  }

  private static double energy(float[] h, int from, int n) {
    double s = 0;
    for (int i = from; i < from + n; i++) {
      s += (double) h[i] * h[i];
    }
    return s;
  }
}
