package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GradScaler's rules: backoff 0.5 and a counted skip on overflow, growth 2 after the interval. */
class LossScalerTest {
  @Test
  void overflowSkipsTheStepAndBacksOff() {
    LossScaler s = new LossScaler(1024, 3);
    assertThat(s.endStep(Double.POSITIVE_INFINITY)).isFalse();
    assertThat(s.endStep(Double.NaN)).isFalse();
    assertThat(s.scale()).isEqualTo(256);
    assertThat(s.skippedSteps()).isEqualTo(2);
  }

  @Test
  void growsAfterTheIntervalOfGoodStepsAndAnOverflowRestartsTheCount() {
    LossScaler s = new LossScaler(1024, 3);
    assertThat(s.endStep(10)).isTrue();
    assertThat(s.endStep(10)).isTrue();
    assertThat(s.endStep(Double.POSITIVE_INFINITY)).isFalse(); // 512, count restarts
    assertThat(s.endStep(10)).isTrue();
    assertThat(s.endStep(10)).isTrue();
    assertThat(s.scale()).isEqualTo(512);
    assertThat(s.endStep(10)).isTrue();
    assertThat(s.scale()).isEqualTo(1024);
    assertThat(s.skippedSteps()).isEqualTo(1);
  }

  @Test
  void unscalesTheNormBeforeClippingAndFoldsBothIntoTheUpdate() {
    LossScaler s = new LossScaler(65536, 2000);
    assertThat(new LossScaler().scale()).isEqualTo(65536);
    double scaledNorm = 8 * 65536.0;
    assertThat(s.unscaledNorm(scaledNorm)).isEqualTo(8);
    double clip = GradientClipping.scale(s.unscaledNorm(scaledNorm), 5);
    assertThat(clip).isCloseTo(5 / (8 + 1e-6), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s.updateFactor(clip)).isEqualTo(clip / 65536);
  }
}
