package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalLogTest {
  @Test
  void agreesWithMathLogAcrossTheRangeOfFilterbankEnergies() {
    Random random = new Random(3);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = Math.exp(random.nextDouble() * 120 - 40); // e^-40 … e^80, past any fbank energy
      worst = Math.max(worst, Math.abs(NaturalLog.of(x) - Math.log(x)) / Math.max(1, Math.abs(Math.log(x))));
    }
    assertThat(worst).isLessThan(1e-15); // a few units in the last place
  }

  @Test
  void isExactWhereTheTableIsAndNearOne() {
    for (double x : new double[] {1.0, 2.0, 0.5, 1024.0, Math.ulp(1.0) + 1, 1 - Math.ulp(1.0) / 2, 1.0078125,
        1.99999999, Double.MIN_NORMAL, Double.MAX_VALUE, 1.1920928955078125e-07}) {
      assertThat(NaturalLog.of(x)).as("ln %s", x).isCloseTo(Math.log(x), org.assertj.core.data.Offset.offset(
          2e-16 * Math.max(1, Math.abs(Math.log(x))) * 8));
    }
  }

  @Test
  void leavesSpecialValuesToMathLog() {
    assertThat(NaturalLog.of(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(NaturalLog.of(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(NaturalLog.of(Double.NaN)).isNaN();
    assertThat(NaturalLog.of(-1.0)).isNaN();
    assertThat(NaturalLog.of(Double.MIN_VALUE)).isEqualTo(Math.log(Double.MIN_VALUE));
  }
}
