package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The segment form of the banks against Kaldi's definition written out as a dense matrix. */
class MelBanksTest {
  @ParameterizedTest
  @CsvSource({"80, 512, 16000, 20, 0", "40, 512, 16000, 20, 0", "23, 256, 8000, 0, 0", "80, 1024, 16000, 60, -400",
      "128, 1024, 22050, 20, 8000"})
  void equalsKaldisDenseBanks(int numBins, int fftSize, int sampleRate, double lowFreq, double highFreq) {
    MelBanks banks = MelBanks.of(numBins, fftSize, sampleRate, lowFreq, highFreq);
    double[][] dense = kaldiBanks(numBins, fftSize, sampleRate, lowFreq, highFreq);
    Random random = new Random(numBins);
    for (int trial = 0; trial < 20; trial++) {
      double[] power = new double[fftSize / 2];
      for (int k = 0; k < power.length; k++) {
        power[k] = Math.exp(random.nextGaussian() * 6); // energies over many decades, as in speech
      }
      double[] got = new double[numBins];
      banks.apply(power, got);
      for (int b = 0; b < numBins; b++) {
        double want = 0;
        for (int k = 0; k < power.length; k++) {
          want += dense[b][k] * power[k];
        }
        assertThat(want).as("bank %d", b).isPositive();
        assertThat(Math.abs(got[b] - want) / want).as("bank %d", b).isLessThan(1e-12);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"200, 512, 16000", "80, 128, 16000"})
  void tooManyBinsForTheFftIsAnError(int numBins, int fftSize, int sampleRate) {
    assertThatThrownBy(() -> MelBanks.of(numBins, fftSize, sampleRate, 20, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty: too many mel bins");
  }

  /** Kaldi's MelBanks: bank b is the triangle max(0, min(up, down)) on the mel scale. */
  private static double[][] kaldiBanks(int numBins, int fftSize, int sampleRate, double lowFreq, double highFreq) {
    double nyquist = sampleRate / 2.0;
    double high = highFreq <= 0 ? highFreq + nyquist : highFreq;
    double melLow = MelBanks.mel(lowFreq);
    double delta = (MelBanks.mel(high) - melLow) / (numBins + 1);
    double[][] w = new double[numBins][fftSize / 2];
    for (int b = 0; b < numBins; b++) {
      double left = melLow + b * delta;
      double center = left + delta;
      double right = center + delta;
      for (int k = 0; k < fftSize / 2; k++) {
        double m = MelBanks.mel((double) sampleRate / fftSize * k);
        w[b][k] = Math.max(0, Math.min((m - left) / (center - left), (right - m) / (right - center)));
      }
    }
    return w;
  }
}
