package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.model.Losses;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel step on the CPU: the batch split into two shards on one device (shard 1 through
 * a replica, as on a second GPU) gives the gradients, loss and Adam update of the unsplit batch.
 */
class DataParallelTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void shardsAreAsEvenAsPossible() {
    assertThat(DataParallel.split(5, 2)).isDeepEqualTo(new int[][] {{0, 3}, {3, 5}});
    assertThat(DataParallel.split(1, 2)).isDeepEqualTo(new int[][] {{0, 1}, {1, 1}});
  }

  @Test
  void twoShardsUpdateLikeTheWholeBatch() {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel whole = TinyModels.model(m);
      AsrModel split = TinyModels.model(m);
      assertThat(TinyModels.relativeDifference(split, whole, false)).isZero();
      Batch batch = TinyModels.batch(m);
      double wholeLoss;
      try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
        Losses l = whole.loss(new ParameterStore(m, false), batch, true);
        gc.backward(l.total());
        wholeLoss = l.total().getFloat();
      }
      double splitLoss;
      DataParallel dp = new DataParallel(List.of(Device.cpu(), Device.cpu()));
      try (NDManager bm = m.newSubManager(); org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
        Losses l = dp.step(split, new ParameterStore(m, false), gc, batch, true, 1.0, false, bm);
        splitLoss = l.total().getDouble();
        assertThat(l.terms()).containsKeys("ctc", "att");
      }
      assertThat(splitLoss).isCloseTo(wholeLoss, org.assertj.core.data.Offset.offset(TOLERANCE * Math.abs(wholeLoss)));
      assertThat(TinyModels.relativeDifference(split, whole, true)).as("summed shard gradients").isLessThan(TOLERANCE);

      Adam a = new Adam(TinyModels.params(whole), m);
      Adam b = new Adam(TinyModels.params(split), m);
      double clip = GradientClipping.scale(GradientClipping.norm(new ArrayList<>(a.parameters().values())), 0.5);
      double clipSplit = GradientClipping.scale(GradientClipping.norm(new ArrayList<>(b.parameters().values())), 0.5);
      assertThat(clipSplit).isCloseTo(clip, org.assertj.core.data.Offset.offset(1e-6));
      a.update(1e-3, clip);
      b.update(1e-3, clipSplit);
      assertThat(TinyModels.relativeDifference(split, whole, false)).as("weights after the update").isLessThan(TOLERANCE);
    }
  }
}
