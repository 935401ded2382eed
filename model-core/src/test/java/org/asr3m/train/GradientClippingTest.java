package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The global gradient norm: the per-tensor norms combined, and overflow read as not finite. */
class GradientClippingTest {
  /** One parameter per array, holding that array as its gradient. */
  private static List<Parameter> withGradients(NDManager m, float[]... grads) {
    List<Parameter> params = new ArrayList<>();
    for (int i = 0; i < grads.length; i++) {
      Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
      p.setArray(m.zeros(new ai.djl.ndarray.types.Shape(grads[i].length)));
      p.getArray().setRequiresGradient(true);
      try (Autograd gc = Autograd.record()) {
        gc.backward(p.getArray().mul(m.create(grads[i])).sum()); // d/dw Σ w·g = g
      }
      params.add(p);
    }
    return params;
  }

  private static float[] gaussian(int n, long seed, float scale) {
    Random r = new Random(seed);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) r.nextGaussian() * scale;
    }
    return g;
  }

  @Test
  void combinesThePerTensorNorms() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<Parameter> params = withGradients(m, gaussian(1_000_003, 1, 1e-3f), gaussian(7, 2, 5f), gaussian(4096, 3, 1));
      double expected;
      try (NDArray g0 = params.get(0).getArray().getGradient(); NDArray g1 = params.get(1).getArray().getGradient();
          NDArray g2 = params.get(2).getArray().getGradient()) {
        double a = g0.norm().getFloat();
        double b = g1.norm().getFloat();
        double c = g2.norm().getFloat();
        expected = Math.sqrt(a * a + b * b + c * c);
      }
      double norm = GradientClipping.norm(params);
      assertThat(norm).isCloseTo(expected, offset(expected * 1e-6));
      assertThat(GradientClipping.norm(params)).as("the same gradients, the same norm").isEqualTo(norm);
      assertThat(GradientClipping.norm(params, true)).as("the reductions shared between cores").isEqualTo(norm);
    }
  }

  /** A non-finite gradient, or a norm beyond float32's range, reads as an overflow (the step is skipped). */
  @Test
  void overflowIsNotFinite() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] nan = gaussian(10, 4, 1);
      nan[3] = Float.NaN;
      assertThat(GradientClipping.norm(withGradients(m, gaussian(100, 5, 1), nan))).isNaN();
      float[] inf = gaussian(10, 6, 1);
      inf[9] = Float.NEGATIVE_INFINITY;
      assertThat(GradientClipping.norm(withGradients(m, inf))).isInfinite();
      float[] huge = new float[1000];
      java.util.Arrays.fill(huge, 3e37f); // each finite, the norm ≈ 9.5e38 > Float.MAX_VALUE
      assertThat(GradientClipping.norm(withGradients(m, huge))).isInfinite();
    }
  }
}
