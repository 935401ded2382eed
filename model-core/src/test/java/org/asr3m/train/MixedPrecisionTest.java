package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.model.Losses;
import org.junit.jupiter.api.Test;

/**
 * The fp16 training step's logic on the CPU: the scaled step (loss × S, norm unscaled before
 * clipping, gradients × clip/S inside Adam) updates exactly like the plain fp32 step; an overflow
 * skips the update and backs off; and fp16 compute through {@link HalfPrecisionStore} (CPU fp16
 * kernels) matches fp32 within fp16's precision.
 */
class MixedPrecisionTest {
  private static final double CLIP = 0.5;

  /** One step as the Trainer runs it with use_amp, the data-parallel path with one shard. */
  private static boolean scaledStep(AsrModel model, NDManager m, Adam adam, LossScaler scaler, ParameterStore ps,
      boolean half) {
    List<Parameter> params = new ArrayList<>(adam.parameters().values());
    try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
      new DataParallel(List.of(Device.cpu())).step(model, ps, gc, TinyModels.batch(bm), true, scaler.scale(), half, bm);
    }
    double scaledNorm = GradientClipping.norm(params);
    double s = scaler.scale();
    boolean apply = scaler.endStep(scaledNorm);
    if (apply) {
      adam.update(1e-3, GradientClipping.scale(scaledNorm / s, CLIP) / s);
    } else {
      GradientClipping.zero(params, true);
    }
    return apply;
  }

  private static double plainStep(AsrModel model, NDManager m, Adam adam) {
    List<Parameter> params = new ArrayList<>(adam.parameters().values());
    try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
      Losses l = model.loss(new ParameterStore(m, false), TinyModels.batch(bm), true);
      gc.backward(l.total());
    }
    double norm = GradientClipping.norm(params);
    adam.update(1e-3, GradientClipping.scale(norm, CLIP));
    return norm;
  }

  @Test
  void scaledStepsUpdateLikeFp32AndAnOverflowIsSkipped() {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel plain = TinyModels.model(m);
      AsrModel scaled = TinyModels.model(m);
      Adam pa = new Adam(TinyModels.params(plain), m);
      Adam sa = new Adam(TinyModels.params(scaled), m);
      LossScaler scaler = new LossScaler(1024, 2);
      ParameterStore ps = new ParameterStore(m, false); // fp32 compute: the scaler's logic alone
      for (int i = 0; i < 3; i++) {
        double norm = plainStep(plain, m, pa);
        assertThat(norm).as("clipping is active, so clipping a scaled norm would show").isGreaterThan(CLIP);
        assertThat(scaledStep(scaled, m, sa, scaler, ps, false)).isTrue();
      }
      assertThat(scaler.scale()).as("grew once after 2 good steps").isEqualTo(2048);
      assertThat(TinyModels.relativeDifference(scaled, plain, false)).isLessThan(1e-5);

      // a scale that overflows float32 in the backward pass: skipped, counted, backed off, weights untouched
      LossScaler huge = new LossScaler(1e38, 2000);
      float[] before = TinyModels.params(scaled).get("ctc.ctc_lo.weight").getArray().toFloatArray();
      assertThat(scaledStep(scaled, m, sa, huge, ps, false)).isFalse();
      assertThat(huge.skippedSteps()).isEqualTo(1);
      assertThat(huge.scale()).isEqualTo(5e37);
      assertThat(TinyModels.params(scaled).get("ctc.ctc_lo.weight").getArray().toFloatArray()).containsExactly(before);
      // the zeroed gradients leave no NaN behind: the next step is a good one again
      assertThat(scaledStep(scaled, m, sa, scaler, ps, false)).isTrue();
    }
  }

  /** fp16 compute on fp32 master weights (CPU fp16 kernels): losses and gradients close to fp32. */
  @Test
  void halfPrecisionComputeMatchesFp32() {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel ref = TinyModels.model(m);
      AsrModel half = TinyModels.model(m);
      double refLoss;
      try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
        Losses l = ref.loss(new ParameterStore(m, false), TinyModels.batch(bm), true);
        gc.backward(l.total());
        refLoss = l.total().getFloat();
      }
      double halfLoss;
      HalfPrecisionStore ps = new HalfPrecisionStore(m);
      try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
        Losses l = new DataParallel(List.of(Device.cpu())).step(half, ps, gc, TinyModels.batch(bm), true, 1024, true, bm);
        halfLoss = l.total().getDouble();
        ps.endStep(gc);
      }
      for (Parameter p : TinyModels.params(half).values()) {
        if (!p.requiresGradient()) {
          continue; // CMVN statistics
        }
        assertThat(p.getArray().getDataType()).as("master weights stay fp32").isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
        try (var g = p.getArray().getGradient()) {
          g.divi(1024); // the unscaling the update applies
        }
      }
      assertThat(halfLoss).isCloseTo(refLoss, org.assertj.core.data.Offset.offset(5e-3 * refLoss));
      assertThat(TinyModels.relativeDifference(half, ref, true)).isLessThan(2e-2);
    }
  }
}
