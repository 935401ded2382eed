package org.asr3m.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.asr3m.nn.EncoderContext;
import org.asr3m.nn.Masks;
import org.asr3m.nn.ParameterNames;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;

class MoeFeedForwardTest {
  private static final int D = 8;

  /** Dense reference: every expert on every frame, then keep the selected ones, gated. */
  private static float[] denseReference(ParameterStore ps, MoeFeedForward moe, NDArray x, NDArray emb, int k,
      boolean topKSoftmax, boolean[] valid) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int f = (int) (b * t);
    NDArray flat = x.reshape(f, D);
    // the router's logits, computed through the layer's own router
    var router = (Router) moe.getChildren().get(0).getValue();
    float[] logits = router.logits(ps, emb, x, false).reshape(f, moe.numExperts()).toFloatArray();
    int n = moe.numExperts();
    float[][] outs = new float[n][];
    for (int e = 0; e < n; e++) {
      outs[e] = moe.experts().get(e).forward(ps, flat, false).toFloatArray();
    }
    float[] y = new float[f * D];
    for (int i = 0; i < f; i++) {
      if (!valid[i]) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int e = 0; e < n; e++) {
        max = Math.max(max, logits[i * n + e]);
      }
      double z = 0;
      double[] p = new double[n];
      for (int e = 0; e < n; e++) {
        p[e] = Math.exp(logits[i * n + e] - max);
        z += p[e];
      }
      Integer[] order = new Integer[n];
      for (int e = 0; e < n; e++) {
        order[e] = e;
        p[e] /= z;
      }
      final double[] pp = p;
      java.util.Arrays.sort(order, (a, c) -> Double.compare(pp[c], pp[a]));
      double zk = 0;
      for (int j = 0; j < k; j++) {
        zk += p[order[j]];
      }
      for (int j = 0; j < k; j++) {
        int e = order[j];
        double w = topKSoftmax ? p[e] / zk : p[e]; // softmax over the top-k logits = renormalised probabilities
        for (int d = 0; d < D; d++) {
          y[i * D + d] += (float) (w * outs[e][i * D + d]);
        }
      }
    }
    return y;
  }

  @Test
  void sparseDispatchEqualsTheDenseReference() {
    for (int k : new int[] {1, 2}) {
      try (NDManager m = NDManager.newBaseManager()) {
        Engine.getInstance().setRandomSeed(3);
        MoeFeedForward moe = new MoeFeedForward("encoders.0.feed_forward", D, 16, 5, k, 4,
            k == 1 ? MoeFeedForward.Gating.PROBABILITY : MoeFeedForward.Gating.TOP_K_SOFTMAX, 0f);
        moe.initialize(m, DataType.FLOAT32, new Shape(1));
        ParameterStore ps = new ParameterStore(m, false);
        NDArray x = m.randomNormal(new Shape(3, 7, D));
        NDArray emb = m.randomNormal(new Shape(3, 7, 4));
        NDArray mask = Masks.padding(m.create(new long[] {7, 4, 6}), 7);
        EncoderContext ctx = new EncoderContext().routingEmbedding(emb);
        ctx.maskPad(mask);
        float[] got = moe.forward(ps, x, ctx, false).toFloatArray();
        boolean[] valid = mask.reshape(21).toBooleanArray();
        float[] want = denseReference(ps, moe, x, emb, k, k == 2, valid);
        for (int i = 0; i < got.length; i++) {
          assertThat(got[i]).as("k=%d element %d", k, i).isCloseTo(want[i], offset(1e-5f));
        }
        MoeRouting r = ctx.reports(MoeRouting.class).get(0);
        assertThat(java.util.Arrays.stream(r.framesPerExpert()).sum()).isEqualTo(7 + 4 + 6);
      }
    }
  }

  @Test
  void gradientsReachRouterExpertsAndEmbeddingInputIsDetached() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(4);
      MoeFeedForward moe = new MoeFeedForward("encoders.0.feed_forward", D, 16, 3, 1, 4, MoeFeedForward.Gating.PROBABILITY, 0f);
      moe.initialize(m, DataType.FLOAT32, new Shape(1));
      NDArray x = m.randomNormal(new Shape(2, 20, D));
      NDArray emb = m.randomNormal(new Shape(2, 20, 4));
      x.setRequiresGradient(true);
      emb.setRequiresGradient(true);
      EncoderContext ctx = new EncoderContext().routingEmbedding(emb);
      try (var gc = Autograd.record()) {
        NDArray y = moe.forward(new ParameterStore(m, false), x, ctx, true);
        MoeRouting r = ctx.reports(MoeRouting.class).get(0);
        gc.backward(y.square().sum().add(SparsityL1Loss.of(r.probs(), r.valid())));
      }
      var params = ParameterNames.of(moe);
      assertThat(params.get("router.w_r.weight").getArray().getGradient().abs().sum().getFloat()).isPositive();
      int used = 0;
      for (int e = 0; e < 3; e++) {
        if (params.get("experts." + e + ".w_1.weight").getArray().getGradient().abs().sum().getFloat() > 0) {
          used++;
        }
      }
      assertThat(used).isPositive();
      assertThat(x.getGradient().abs().sum().getFloat()).isPositive();
      // the router reads e detached: routing never trains the embedding network
      assertThat(emb.getGradient().abs().sum().getFloat()).isZero();
    }
  }

  @Test
  void auxiliaryLossesMatchHandComputedValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, 0.5f, 1f, 0f, 0.2f, 0.8f}, new Shape(3, 2));
      NDArray valid = m.create(new float[] {1, 1, 0});
      // L_s: frame 1: p̂ = (1/√2, 1/√2) → ‖·‖₁ = √2; frame 2: 1; padding ignored → (√2 + 1) / 2
      assertThat(SparsityL1Loss.of(p, valid).getFloat()).isCloseTo((float) ((Math.sqrt(2) + 1) / 2), offset(1e-6f));
      // L_m: mean p over the 2 real frames = (0.75, 0.25) → 2 · (0.5625 + 0.0625) = 1.25
      assertThat(MeanImportanceLoss.of(p, valid).getFloat()).isCloseTo(1.25f, offset(1e-6f));
      // uniform routing minimises L_m at 1, one-hot routing minimises L_s at 1
      NDArray uniform = m.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Shape(2, 2));
      assertThat(MeanImportanceLoss.of(uniform, m.ones(new Shape(2))).getFloat()).isCloseTo(1f, offset(1e-6f));
      MoeLoss total = MoeLoss.of(List.of(new MoeRouting("a", p, valid, new long[2]), new MoeRouting("b", p, valid, new long[2])),
          m.create(2f), 0.15, 0.15, 0.01);
      double ls = (Math.sqrt(2) + 1) / 2;
      assertThat(total.total().getFloat()).isCloseTo((float) (0.15 * 2 * ls + 0.15 * 2 * 1.25 + 0.01 * 2), offset(1e-5f));
    }
  }

  @Test
  void costDoesNotGrowWithTheNumberOfExperts() {
    MoeFeedForward four = new MoeFeedForward("encoders.0.feed_forward", 144, 576, 4, 1, 144, MoeFeedForward.Gating.PROBABILITY, 0f);
    MoeFeedForward sixtyFour = new MoeFeedForward("encoders.0.feed_forward", 144, 576, 64, 1, 144, MoeFeedForward.Gating.PROBABILITY, 0f);
    long expert = 2L * 144 * 576;
    assertThat(four.activeMacsPerFrame()).isEqualTo(expert + 288L * 4);
    assertThat(sixtyFour.activeMacsPerFrame()).isEqualTo(expert + 288L * 64);
  }
}
