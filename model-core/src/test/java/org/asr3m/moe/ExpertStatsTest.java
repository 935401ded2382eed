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
      stats.add(List.of(new MoeRouting("encoders.3.feed_forward", probs, valid, new long[] {2, 0})));
      stats.add(List.of(new MoeRouting("encoders.3.feed_forward", probs, valid, new long[] {1, 1})));
      assertThat(stats.framesPerExpert().get("encoders.3.feed_forward")).containsExactly(3, 1);
      assertThat(stats.layers()).singleElement().satisfies(
          l -> assertThat(l.entropy()).isCloseTo(Math.log(2) / 2, offset(1e-5)));
      var json = stats.toJson();
      assertThat(json).hasSize(1);
      assertThat(json.get(0)).containsEntry("layer", "encoders.3.feed_forward").containsEntry("share", List.of(0.75, 0.25))
          .containsEntry("max_entropy", Math.log(2));
      assertThat(stats.summary()).singleElement().asString().startsWith("encoders.3.feed_forward:")
          .contains(" 75  25 % | entropy 0.347 / 0.693");
    }
  }
}
