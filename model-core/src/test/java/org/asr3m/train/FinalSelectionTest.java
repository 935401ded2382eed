package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class FinalSelectionTest {
  @TempDir
  Path tmp;

  @Test
  void anAverageWorseOnDevThanTheBestEpochIsNotKept() throws Exception {
    FinalSelection worse = new FinalSelection(List.of(7, 6, 5), 1.30, 7, 1.10, "ctc");
    assertThat(worse.keptAverage()).isFalse();
    assertThat(worse.describe()).isEqualTo("final/ = epoch 7 alone: the average of epochs [7, 6, 5] was worse on dev"
        + " (dev ctc 1.3000 averaged, 1.1000 for epoch 7 alone)");
    worse.write(tmp);
    var json = JsonMapper.builder().build().readTree(tmp.resolve(FinalSelection.FILE).toFile());
    assertThat(json.get("kept").asString()).isEqualTo("best_epoch");
    assertThat(json.get("best_epoch").asInt()).isEqualTo(7);
    assertThat(json.get("average_dev").asDouble()).isEqualTo(1.30);
  }

  @Test
  void anAverageAsGoodOrBetterIsKept() {
    assertThat(new FinalSelection(List.of(39, 38), 0.90, 39, 0.95, "loss").keptAverage()).isTrue();
    FinalSelection tie = new FinalSelection(List.of(39, 38), 0.95, 39, 0.95, "ctc");
    assertThat(tie.keptAverage()).isTrue();
    assertThat(tie.describe()).startsWith("final/ = average of epochs [39, 38] (dev ctc 0.9500 averaged");
    // an average whose dev loss is not a number (diverged weights) is never kept
    assertThat(new FinalSelection(List.of(2, 1), Double.NaN, 2, 0.95, "ctc").keptAverage()).isFalse();
  }

  @Test
  void aSingleEpochNeedsNoComparison() throws Exception {
    FinalSelection one = new FinalSelection(List.of(3), Double.NaN, 3, 2.0, "ctc");
    assertThat(one.keptAverage()).isTrue();
    assertThat(one.describe()).isEqualTo("final/ = epoch 3 (average_num 1)");
    one.write(tmp);
    var json = JsonMapper.builder().build().readTree(tmp.resolve(FinalSelection.FILE).toFile());
    assertThat(json.get("average_dev").isNull()).isTrue();
  }
}
