package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;

/** Dropout's host masks: the rate, the scale, independence, reproducibility and the gradient. */
class DropoutTest {
  private static float[] mask(int n, long seed, float keep) {
    FloatBuffer out = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Dropout.fill(out, n, seed, keep);
    float[] a = new float[n];
    out.get(0, a);
    return a;
  }

  /** About rate of the elements are zero, the others 1 / keep exactly; pairs drawn from one value are independent. */
  @Test
  void masksDropTheRateAndScaleTheRest() {
    int n = 2_000_000;
    float keep = 0.9f;
    float[] a = mask(n, 12345, keep);
    int zeros = 0;
    int bothZero = 0;
    for (int i = 0; i < n; i++) {
      assertThat(a[i] == 0f || a[i] == 1 / keep).as("element %d = %s", i, a[i]).isTrue();
      zeros += a[i] == 0f ? 1 : 0;
      if (i % 2 == 1 && a[i] == 0f && a[i - 1] == 0f) {
        bothZero++;
      }
    }
    // binomial standard deviations: 2.1e-4 for the rate, 1.4e-4 for the pairs (p² = 0.01 of n / 2)
    assertThat(zeros / (double) n).isCloseTo(0.1, offset(0.0012));
    assertThat(bothZero / (n / 2.0)).isCloseTo(0.01, offset(0.0008));
    // neighbours drawn from different values are independent too
    int neighbours = 0;
    for (int i = 2; i < n; i += 2) {
      if (a[i] == 0f && a[i - 1] == 0f) {
        neighbours++;
      }
    }
    assertThat(neighbours / (n / 2.0)).isCloseTo(0.01, offset(0.0008));
  }

  /** A mask depends on the seed and the element's index only, not on the length or the tiling. */
  @Test
  void aMaskIsAFunctionOfSeedAndIndex() {
    float[] longer = mask(5001, 7, 0.8f);
    float[] shorter = mask(2049, 7, 0.8f);
    for (int i = 0; i < shorter.length; i++) {
      assertThat(shorter[i]).as("element %d", i).isEqualTo(longer[i]);
    }
    assertThat(mask(2049, 8, 0.8f)).isNotEqualTo(shorter);
  }

  /** A wrong -Dasr3m.dropout value is an error that names the switch and its one value. */
  @Test
  void aWrongSwitchValueIsReported() {
    System.setProperty(Dropout.PROPERTY, "fast");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(4, 8));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dropout.apply(x, 0.1f))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Dasr3m.dropout")
          .hasMessageContaining("'engine'").hasMessageContaining("'fast'");
    } finally {
      System.clearProperty(Dropout.PROPERTY);
    }
  }

  /** Engine.setRandomSeed fixes the masks; successive calls draw new ones; the gradient is the mask. */
  @Test
  void reproducibleUnderTheEngineSeedAndDifferentiable() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(1f, 2f, new Shape(4, 50, 64));
      Engine.getInstance().setRandomSeed(42);
      float[] first = Dropout.apply(x, 0.25f).toFloatArray();
      float[] second = Dropout.apply(x, 0.25f).toFloatArray();
      Engine.getInstance().setRandomSeed(42);
      assertThat(Dropout.apply(x, 0.25f).toFloatArray()).isEqualTo(first);
      assertThat(second).isNotEqualTo(first);

      x.setRequiresGradient(true);
      float[] y;
      try (Autograd gc = Autograd.record()) {
        NDArray out = Dropout.apply(x, 0.25f);
        y = out.toFloatArray();
        gc.backward(out.sum());
      }
      float[] xs = x.toFloatArray();
      float[] g = x.getGradient().toFloatArray();
      for (int i = 0; i < xs.length; i++) {
        float expected = y[i] == 0f ? 0f : 1 / 0.75f;
        assertThat(g[i]).as("gradient %d", i).isEqualTo(expected);
        if (y[i] != 0f) {
          assertThat(y[i]).isEqualTo(xs[i] * (1 / 0.75f));
        }
      }
    }
  }
}
