package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaussianTest {

  @Test
  void quantilesMatchTheNormalDistribution() {
    assertThat(Gaussian.inverseNormal(0.5)).isCloseTo(0, within(1e-12));
    assertThat(Gaussian.inverseNormal(0.975)).isCloseTo(1.959963984540054, within(1e-8));
    assertThat(Gaussian.inverseNormal(0.001)).isCloseTo(-3.090232306167814, within(1e-8));
    assertThat(Gaussian.inverseNormal(1e-6)).isCloseTo(-4.753424308822899, within(1e-7));
  }

  @Test
  void drawsHaveUnitVarianceAndNormalTails() {
    Gaussian g = new Gaussian(7);
    int n = 2_000_000;
    double sum = 0;
    double sumSq = 0;
    double sum4 = 0;
    int beyond2 = 0;
    for (int i = 0; i < n; i++) {
      double x = g.next();
      sum += x;
      sumSq += x * x;
      sum4 += x * x * x * x;
      if (Math.abs(x) > 2) {
        beyond2++;
      }
    }
    assertThat(sum / n).isCloseTo(0, within(0.003));
    assertThat(sumSq / n).isCloseTo(1, within(0.005));
    assertThat(sum4 / n).isCloseTo(3, within(0.05)); // kurtosis of a normal
    assertThat(beyond2 / (double) n).isCloseTo(0.0455, within(0.001)); // P(|X| > 2)
  }

  @Test
  void seededAndIndependentOfOtherGenerators() {
    Gaussian a = new Gaussian(42);
    Gaussian b = new Gaussian(42);
    Gaussian c = new Gaussian(43);
    boolean differs = false;
    for (int i = 0; i < 100; i++) {
      double x = a.next();
      assertThat(b.next()).isEqualTo(x);
      differs |= c.next() != x;
    }
    assertThat(differs).isTrue();
  }
}
