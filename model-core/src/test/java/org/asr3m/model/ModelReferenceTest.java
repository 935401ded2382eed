package org.asr3m.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.asr3m.Fixtures;
import org.asr3m.io.Npy;
import org.asr3m.io.Npz;
import org.asr3m.nn.EncoderContext;
import org.asr3m.nn.ConformerEncoder;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Autograd;
import org.asr3m.train.Checkpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole CTC/attention model against an independent PyTorch implementation of WeNet's modules
 * (tools/gen_model_fixtures.py, float64): same weights (loaded by WeNet parameter names), same
 * inputs; encoder output, CTC and decoder logits and the three losses agree within 1e-4 relative.
 */
class ModelReferenceTest {
  private static final double TOLERANCE = 1e-4;
  private static NDManager manager;
  private static AsrModel model;
  private static Map<String, Npy.Array> io;
  private static Batch batch;
  private static ParameterStore ps;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    model = new AsrModel(Recipe.read(Fixtures.path("model/recipe.yaml")));
    model.initialize(manager, DataType.FLOAT32, new Shape(1));
    Checkpoint.loadParameters(Fixtures.path("model/weights.npz"), model);
    io = Npz.read(Fixtures.path("model/io.npz"));
    batch = new Batch(array("feats"), array("feat_lens").toType(DataType.INT64, false),
        array("targets").toType(DataType.INT64, false), array("target_lens").toType(DataType.INT64, false));
    ps = new ParameterStore(manager, false);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray array(String name) {
    Npy.Array a = io.get(name);
    long[] shape = new long[a.shape().length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = a.shape()[i];
    }
    return manager.create(a.data(), new Shape(shape));
  }

  private static void assertClose(NDArray got, String expected) {
    float[] want = io.get(expected).data();
    assertThat(got.toFloatArray()).as(expected).hasSameSizeAs(want);
    assertThat(Fixtures.relativeFrobenius(got.toFloatArray(), want)).as(expected).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void encoderAndHeadsMatchPyTorch() {
    ConformerEncoder.Output enc = model.encoder().forward(ps, batch.feats(), batch.featLens(), new EncoderContext(),
        false, 0, -1);
    assertThat(enc.lengths().toLongArray()).containsExactly(15, 11); // ((T-1)/2-1)/2 for 64 and 47 frames
    assertClose(enc.out(), "encoder_out");
    assertClose(model.ctc().logits(ps, enc.out(), false), "ctc_logits");
    // no dropout before the CTC projection by default (WeNet, 3m-asr): training mode gives the same logits
    assertClose(model.ctc().logits(ps, enc.out(), true), "ctc_logits");
    DecoderTargets t = DecoderTargets.of(batch.targets(), batch.targetLens(), model.sosEos());
    assertClose(model.decoder().forward(ps, enc.out(), enc.mask(), t.ysIn(), t.ysInLens(), false), "decoder_logits");
    assertClose(model.decoder().forwardReverse(ps, enc.out(), enc.mask(), t.rysIn(), t.ysInLens(), false),
        "r_decoder_logits");
  }

  /**
   * Inference on an utterance with no padding skips the padding masks; its output must equal its row
   * of a padded batch in which it is the longest. A shorter utterance keeps its masks when padded,
   * also alone. (Its rows are not compared with the utterance cut to its length: as in WeNet, the
   * convolution module's padding frames carry the pointwise bias through the GLU into the last real
   * frames, so padding changes them.)
   */
  @Test
  void anUnpaddedUtteranceSkipsTheMasksWithTheSameOutput() {
    EncoderContext batchCtx = new EncoderContext();
    ConformerEncoder.Output enc = model.encoder().forward(ps, batch.feats(), batch.featLens(), batchCtx, false, 0, -1);
    assertThat(batchCtx.maskPad()).as("the batch is padded").isNotNull();

    EncoderContext ctx = new EncoderContext();
    ConformerEncoder.Output longest = model.encoder().forward(ps, batch.feats().get("0:1"),
        manager.create(new long[] {64}), ctx, false, 0, -1);
    assertThat(ctx.maskPad()).as("the longest utterance alone").isNull();
    assertThat(Fixtures.relativeFrobenius(longest.out().toFloatArray(), enc.out().get("0:1").toFloatArray()))
        .isLessThanOrEqualTo(1e-6);

    ctx = new EncoderContext();
    ConformerEncoder.Output shorter = model.encoder().forward(ps, batch.feats().get("1:2"),
        manager.create(new long[] {47}), ctx, false, 0, -1);
    assertThat(ctx.maskPad()).as("the shorter utterance, padded alone").isNotNull();
    assertThat(Fixtures.relativeFrobenius(shorter.out().get("0:1, :11, :").toFloatArray(),
        enc.out().get("1:2, :11, :").toFloatArray())).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void gradientsMatchPyTorch() {
    Map<String, ai.djl.nn.Parameter> params = org.asr3m.nn.ParameterNames.of(model);
    try (var collector = Autograd.record()) {
      collector.backward(model.loss(ps, batch, false).total());
    }
    int checked = 0;
    for (String key : io.keySet()) {
      if (key.startsWith("grad/")) {
        try (NDArray g = params.get(key.substring(5)).getArray().getGradient()) {
          assertClose(g, key);
          g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(9);
  }

  @Test
  void lossesMatchPyTorch() {
    Losses l = model.loss(ps, batch, false);
    assertClose(l.terms().get("ctc"), "loss_ctc");
    assertClose(l.terms().get("att"), "loss_att");
    assertClose(l.total(), "loss");
  }
}
