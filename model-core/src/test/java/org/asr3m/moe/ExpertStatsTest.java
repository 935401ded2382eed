package org.asr3m.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertStatsTest {
  @Test
  void countsFramesPerExpertAndMeanEntropyOverRealFrames() {
    try (NDManager m = NDManager.newBaseManager()) {
      // frame 0 certain (entropy 0), frame 1 uniform over 2 experts (ln 2), frame 2 padding
      var probs = m.create(new float[] {1f, 0f, 0.5f, 0.5f, 0.5f, 0.5f}, new Shape(3, 2));
      var valid = m.create(new float[] {1, 1, 0});
      ExpertStats stats = new ExpertStats();
      stats.add(List.of(new MoeRouting(3, probs, valid, new long[] {2, 0})));
      stats.add(List.of(new MoeRouting(3, probs, valid, new long[] {1, 1})));
      assertThat(stats.framesPerExpert().get(3)).containsExactly(3, 1);
      assertThat(stats.meanEntropy().get(3)).isCloseTo(Math.log(2) / 2, offset(1e-5));
      assertThat(stats.table()).containsExactly(String.format("3 3 1 %.4f", Math.log(2) / 2));
    }
  }
}
