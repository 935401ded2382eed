package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class NoamScheduleTest {
  @Test
  void risesLinearlyToTheBaseRateThenDecaysAsInverseSqrt() {
    NoamSchedule s = new NoamSchedule(1e-3, 5000);
    assertThat(s.lr(1)).isCloseTo(1e-3 / 5000, offset(1e-12));
    assertThat(s.lr(2500)).isCloseTo(0.5e-3, offset(1e-12));
    assertThat(s.lr(5000)).isCloseTo(1e-3, offset(1e-12));
    assertThat(s.lr(20000)).isCloseTo(0.5e-3, offset(1e-12));
  }
}
