package org.asr3m.moe;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.model.Losses;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoeModelTest {
  private static final String DENSE = """
      output_dim: 12
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 3, cnn_module_kernel: 3}
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
      """;

  @TempDir
  Path tmp;

  private Recipe recipe(String extra) throws Exception {
    return Recipe.read(Files.writeString(tmp.resolve("r" + extra.hashCode() + ".yaml"), DENSE + extra));
  }

  private static Batch batch(NDManager m) {
    m.getEngine().setRandomSeed(9);
    return new Batch(m.randomNormal(new Shape(2, 40, 80)), m.create(new long[] {40, 31}),
        m.create(new long[][] {{3, 4, 5}, {6, 7, -1}}), m.create(new long[] {3, 2}));
  }

  /** With one expert the router's softmax is 1: the MoE model computes the dense model exactly. */
  @Test
  void oneExpertEqualsTheDenseConformerWithTheSameWeights() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel dense = AsrModel.create(recipe(""), m, 1);
      AsrModel moe = AsrModel.create(recipe("model: conformer_moe\nmoe_conf: {num_experts: 1, router_input: layer,"
          + " alpha: 0, beta: 0, gamma: 0}\n"), m, 2);
      Map<String, Parameter> d = ParameterNames.of(dense);
      for (Map.Entry<String, Parameter> e : ParameterNames.of(moe).entrySet()) {
        String base = e.getKey().replace(".experts.0.", ".");
        if (d.containsKey(base)) {
          e.getValue().getArray().set(d.get(base).getArray().toFloatArray());
        }
      }
      ParameterStore ps = new ParameterStore(m, false);
      Batch b = batch(m);
      var denseOut = dense.encode(ps, b.feats(), b.featLens(), false, 0, -1).output();
      var moeOut = moe.encode(ps, b.feats(), b.featLens(), false, 0, -1).output();
      // padding frames differ (the MoE layer does not run experts on them); real frames must not
      NDArray real = denseOut.mask().squeeze(1).expandDims(2).toType(DataType.FLOAT32, false);
      float[] want = denseOut.out().mul(real).toFloatArray();
      float[] got = moeOut.out().mul(real).toFloatArray();
      assertThat(got).containsExactly(want, org.assertj.core.data.Offset.offset(1e-5f));
      Losses l = moe.loss(ps, b, false);
      assertThat(l.total().getFloat()).isCloseTo(dense.loss(ps, b, false).total().getFloat(),
          org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  /**
   * The 3M recipe's initialisation from a dense base: all experts are copies of the base FFN, so
   * whichever expert the (random) router picks computes the base FFN; the layer output is that
   * times the gate probability (eq. 7).
   */
  @Test
  void expertsInitialisedFromTheDenseBaseAllComputeTheBaseFfn() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel dense = AsrModel.create(recipe(""), m, 1);
      Path units = Files.writeString(tmp.resolve("units.txt"), "");
      org.asr3m.train.Checkpoint.save(tmp.resolve("base"), dense, null,
          new org.asr3m.train.Checkpoint.State(1, 1, 0, 1, java.util.List.of()), DENSE, units);
      AsrModel moe = AsrModel.create(recipe("model: conformer_moe\nmoe_conf: {num_experts: 4, router_input: layer}\n"),
          m, 2);
      org.asr3m.train.Checkpoint.InitReport r = org.asr3m.train.Checkpoint.initFrom(tmp.resolve("base"), null, moe);
      assertThat(r.experts()).isEqualTo(3 * 4 * 4); // 3 blocks × 4 experts × (w_1, b_1, w_2, b_2)
      assertThat(r.random()).containsExactly("encoder.encoders.0.feed_forward.router.w_r.weight",
          "encoder.encoders.1.feed_forward.router.w_r.weight", "encoder.encoders.2.feed_forward.router.w_r.weight");
      ParameterStore ps = new ParameterStore(m, false);
      var block = moe.encoder().blocks().get(1);
      var layer = (MoeFeedForward) block.feedForward();
      var baseFfn = (org.asr3m.nn.FeedForward) dense.encoder().blocks().get(1).feedForward();
      NDArray x = m.randomNormal(new Shape(1, 6, 16));
      org.asr3m.nn.EncoderContext ctx = new org.asr3m.nn.EncoderContext();
      float[] got = layer.forward(ps, x, ctx, false).toFloatArray();
      float[] ffn = baseFfn.forward(ps, x, false).toFloatArray();
      float[] gate = ctx.reports(MoeRouting.class).get(0).probs().max(new int[] {1}).toFloatArray();
      for (int i = 0; i < got.length; i++) {
        assertThat(got[i]).isCloseTo(gate[i / 16] * ffn[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void threeMModelHasEmbeddingRoutersAndMultiLevelLosses() throws Exception {
    Recipe r = recipe("model: 3m\nmoe_conf: {num_experts: 4}\nembedding_conf: {output_size: 8, attention_heads: 2,"
        + " linear_units: 16, num_blocks: 1}\n");
    assertThat(r.decoderLevels()).containsExactly(1, 2);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(r, m, 3);
      Map<String, Parameter> p = ParameterNames.of(model);
      assertThat(p).containsKeys("encoder.encoders.0.feed_forward.experts.3.w_1.weight",
          "encoder.encoders.0.feed_forward.router.w_r.weight", "embedding.encoder.encoders.0.self_attn.linear_q.weight",
          "embedding.ctc.ctc_lo.weight", "multi_level.decoders.1.output_layer.weight");
      // the router reads concat(e, o): 8 + 16 inputs, 4 experts, no bias
      assertThat(p.get("encoder.encoders.0.feed_forward.router.w_r.weight").getShape()).isEqualTo(new Shape(4, 24));
      assertThat(p).doesNotContainKey("encoder.encoders.0.feed_forward.router.w_r.bias");
      // only the second FFN is an MoE layer (3M); the macaron FFN stays dense
      assertThat(p).containsKey("encoder.encoders.0.feed_forward_macaron.w_1.weight");
      Losses l = model.loss(new ParameterStore(m, false), batch(m), true);
      assertThat(l.terms()).containsKeys("ctc", "att", "att_level1", "att_level2", "moe_ls", "moe_lm", "emb_ctc");
      // L_s over 3 layers lies in [3, 3·√4]; L_m over 3 layers in [3, 3·4]
      assertThat(l.terms().get("moe_ls").getFloat()).isBetween(3f, 6f);
      assertThat(l.terms().get("moe_lm").getFloat()).isBetween(3f, 12f);
      NDArray total = l.total();
      assertThat(total.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(Float.isFinite(total.getFloat())).isTrue();
    }
  }

  /**
   * In the whole 3M model the total loss trains routers, experts, the multi-level decoders and the
   * embedding network; the embedding network only through its own CTC loss L_e (with γ = 0 it gets
   * no gradient at all, because the routers read e detached).
   */
  @Test
  void gradientsReachRoutersExpertsAndTheEmbeddingNetworkOnlyThroughItsCtcLoss() throws Exception {
    String emb = "embedding_conf: {output_size: 8, attention_heads: 2, linear_units: 16, num_blocks: 1}\n";
    for (float gamma : new float[] {0.01f, 0f}) {
      Recipe r = recipe("model: 3m\nmoe_conf: {num_experts: 3, gamma: " + gamma + "}\n" + emb);
      try (NDManager m = NDManager.newBaseManager()) {
        AsrModel model = AsrModel.create(r, m, 3);
        Map<String, Parameter> p = ParameterNames.of(model);
        for (Parameter param : p.values()) {
          if (param.requiresGradient()) {
            param.getArray().setRequiresGradient(true);
          }
        }
        try (var gc = Autograd.record()) {
          gc.backward(model.loss(new ParameterStore(m, false), batch(m), true).total());
        }
        java.util.function.Function<String, Float> grad = k -> p.get(k).getArray().getGradient().abs().sum().getFloat();
        assertThat(grad.apply("encoder.encoders.1.feed_forward.router.w_r.weight")).isPositive();
        float experts = 0;
        for (int e = 0; e < 3; e++) {
          experts += grad.apply("encoder.encoders.1.feed_forward.experts." + e + ".w_1.weight");
        }
        assertThat(experts).isPositive();
        assertThat(grad.apply("multi_level.decoders.0.output_layer.weight")).isPositive();
        float embedding = grad.apply("embedding.encoder.encoders.0.self_attn.linear_q.weight");
        if (gamma > 0) {
          assertThat(embedding).as("gamma %s", gamma).isPositive();
        } else {
          assertThat(embedding).as("gamma 0").isZero();
        }
      }
    }
  }
}
