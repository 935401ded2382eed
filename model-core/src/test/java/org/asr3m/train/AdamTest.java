package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fused update computes torch.optim.Adam's step (written out here in double precision). */
class AdamTest {
  /** The single host pass (float32 parameters in CPU memory). */
  @Test
  void matchesPyTorchAdamOverSeveralSteps() {
    run(0, false);
  }

  /** clip_grad_norm_(max_norm=1) then Adam: the clipping factor is applied inside the update. */
  @Test
  void matchesClipGradNormThenAdam() {
    run(1.0, false);
  }

  /** The engine's adamUpdate, which every device other than host memory uses. */
  @Test
  void engineUpdateMatchesToo() {
    run(0, true);
    run(1.0, true);
  }

  /** Tensors larger than one chunk of the host pass are split between tasks; every element is updated. */
  @Test
  void hostPassCoversLargeTensors() {
    try (NDManager m = NDManager.newBaseManager()) {
      int n = (1 << 18) * 3 + 5;
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      p.setArray(m.zeros(new ai.djl.ndarray.types.Shape(n)));
      p.getArray().setRequiresGradient(true);
      Adam adam = new Adam(Map.of("w", p), m);
      try (var collector = org.asr3m.train.Autograd.record()) {
        collector.backward(p.getArray().sum()); // gradient 1 everywhere
      }
      adam.update(1e-3);
      assertThat(adam.hostSteps()).isEqualTo(1);
      // first step: m̂ = g, v̂ = g², so every weight moves by −lr·1/(1 + ε)
      float[] got = p.getArray().toFloatArray();
      for (int i = 0; i < n; i++) {
        if (Math.abs(got[i] + 1e-3f) > 1e-7f) {
          throw new AssertionError("w[" + i + "] = " + got[i]);
        }
      }
    }
  }

  /**
   * @param maxNorm gradient clipping threshold, 0 = none
   * @param engine use the engine's adamUpdate instead of the host pass
   */
  private static void run(double maxNorm, boolean engine) {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] w0 = {1f, -2f, 3f, 0.001f, 0f, -0.5f};
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      p.setArray(m.create(w0));
      p.getArray().setRequiresGradient(true);
      Adam adam = new Adam(Map.of("w", p), m);
      if (engine) {
        adam.engineOnly();
      }
      double[] w = new double[6];
      double[] mean = new double[6];
      double[] var = new double[6];
      for (int i = 0; i < 6; i++) {
        w[i] = w0[i];
      }
      double[] lrs = {1e-3, 5e-3, 2e-3, 1e-2};
      for (int t = 1; t <= lrs.length; t++) {
        float[] g = new float[6];
        for (int i = 0; i < 6; i++) {
          g[i] = (float) Math.sin(3 * i + t) * (i == 4 ? 0 : 1); // one coordinate never gets a gradient
        }
        try (var collector = org.asr3m.train.Autograd.record()) {
          NDArray gArr = m.create(g);
          collector.backward(p.getArray().mul(gArr).sum()); // d/dw Σ w·g = g
        }
        double sq = 0;
        for (float gi : g) {
          sq += (double) gi * gi;
        }
        double norm = GradientClipping.norm(java.util.List.of(p));
        assertThat(norm).as("gradient norm").isCloseTo(Math.sqrt(sq), org.assertj.core.data.Offset.offset(1e-5));
        double scale = GradientClipping.scale(norm, maxNorm);
        if (maxNorm > 0) {
          assertThat(scale).as("clipping factor, norm %.3f", norm).isLessThan(1.0); // every step is clipped here
          for (int i = 0; i < 6; i++) {
            g[i] = (float) (g[i] * maxNorm / (Math.sqrt(sq) + 1e-6));
          }
        } else {
          assertThat(scale).isEqualTo(1.0);
        }
        adam.update(lrs[t - 1], scale);
        try (NDArray grad = p.getArray().getGradient()) {
          assertThat(grad.toFloatArray()).as("gradients zeroed by the update, either path").containsOnly(0f);
        }
        for (int i = 0; i < 6; i++) {
          mean[i] = 0.9 * mean[i] + 0.1 * g[i];
          var[i] = 0.999 * var[i] + 0.001 * g[i] * g[i];
          double mHat = mean[i] / (1 - Math.pow(0.9, t));
          double vHat = var[i] / (1 - Math.pow(0.999, t));
          w[i] -= lrs[t - 1] * mHat / (Math.sqrt(vHat) + 1e-8);
        }
        float[] got = p.getArray().toFloatArray();
        for (int i = 0; i < 6; i++) {
          assertThat((double) got[i]).as("step %d, w[%d]", t, i).isCloseTo(w[i], org.assertj.core.data.Offset.offset(2e-6));
        }
      }
      assertThat(adam.step()).isEqualTo(4);
      assertThat(adam.hostSteps()).as("updates that ran as the host pass").isEqualTo(engine ? 0 : 4);
    }
  }
}
