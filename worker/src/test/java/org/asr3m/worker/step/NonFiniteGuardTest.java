package org.asr3m.worker.step;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A run that keeps producing NaN fails with a reason that says what to change; a single bad batch does not. */
class NonFiniteGuardTest {

  @Test
  void consecutiveNonFiniteUpdatesFailTheStage() {
    NonFiniteGuard g = new NonFiniteGuard(3);
    g.step(0, 1, Double.NaN);
    g.skipped(0, 2);
    assertThatThrownBy(() -> g.step(0, 3, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not finite (NaN/inf) for 3 consecutive updates (epoch 0, step 3)")
        .hasMessageContaining("optim_conf.lr");
  }

  @Test
  void aFiniteUpdateResetsTheCount() {
    NonFiniteGuard g = new NonFiniteGuard(2);
    assertThatCode(() -> {
      for (int i = 0; i < 10; i++) {
        g.skipped(0, 2L * i); // one bad batch at a time is healed by skipping it
        g.step(0, 2L * i + 1, 1.5);
      }
    }).doesNotThrowAnyException();
    g.skipped(0, 21);
    assertThatThrownBy(() -> g.skipped(0, 22)).hasMessageContaining("2 consecutive");
  }
}
