package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;

class OpsTest {
  /**
   * Guards the reason {@link Ops#mul} exists: the scalar must survive until backward even when
   * other arrays are created and freed in between (DJL's mul(Number) loses it).
   */
  @Test
  void scalarProductKeepsItsGradientAfterOtherAllocations() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(4));
      x.setRequiresGradient(true);
      try (var gc = Autograd.record()) {
        NDArray y = Ops.mul(x, 3.0);
        for (int i = 0; i < 20_000; i++) {
          try (NDManager s = m.newSubManager()) {
            s.create(new float[] {7f, 8f}).add(1f);
          }
        }
        gc.backward(y.sum());
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(3f, 3f, 3f, 3f);
    }
  }

  @Test
  void whereBroadcastsLikeTorch() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray cond = m.create(new boolean[] {true, false}).reshape(1, 2);
      NDArray x = m.ones(new Shape(3, 2));
      NDArray r = Ops.where(cond, x, Ops.scalar(x, -1f));
      assertThat(r.getShape()).isEqualTo(new Shape(3, 2));
      assertThat(r.toFloatArray()).containsExactly(1f, -1f, 1f, -1f, 1f, -1f);
    }
  }
}
