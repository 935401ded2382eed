package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameBucketSamplerTest {
  private static int[] lengths(int n) {
    Random r = new Random(5);
    int[] f = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = 100 + r.nextInt(900);
    }
    f[7] = 5000; // longer than the batch limit on its own
    return f;
  }

  @Test
  void everyUtteranceOnceAndPaddedSizeWithinLimit() {
    int[] f = lengths(300);
    FrameBucketSampler s = new FrameBucketSampler(f, 4000, 50, true, 11);
    List<List<Integer>> batches = s.batches(0);
    List<Integer> seen = new ArrayList<>();
    for (List<Integer> b : batches) {
      seen.addAll(b);
      int longest = b.stream().mapToInt(i -> f[i]).max().orElseThrow();
      if (b.size() > 1) {
        assertThat((long) longest * b.size()).isLessThanOrEqualTo(4000);
      } else {
        assertThat(b).hasSize(1);
      }
    }
    assertThat(seen).hasSize(300).doesNotHaveDuplicates();
    assertThat(batches).anySatisfy(b -> assertThat(b).containsExactly(7));
  }

  @Test
  void deterministicPerEpochAndDifferentAcrossEpochs() {
    int[] f = lengths(200);
    FrameBucketSampler a = new FrameBucketSampler(f, 4000, 50, true, 11);
    FrameBucketSampler b = new FrameBucketSampler(f, 4000, 50, true, 11);
    assertThat(a.batches(3)).isEqualTo(b.batches(3));
    assertThat(a.batches(3)).isNotEqualTo(a.batches(4));
    FrameBucketSampler fixed = new FrameBucketSampler(f, 4000, 50, false, 11);
    assertThat(fixed.batches(0)).isEqualTo(fixed.batches(9));
  }

  @Test
  void lengthFilterReportsWhatItRemoves() {
    LengthFilter filter = new LengthFilter(10, 1200, 1, 100);
    LengthFilter.Report r = filter.apply(List.of("a", "b", "c", "d"), new int[] {500, 5, 2000, 300},
        new int[] {10, 10, 10, 0});
    assertThat(r.kept()).containsExactly(0);
    assertThat(r.removed()).containsExactly("b (5 frames, allowed 10–1200)", "c (2000 frames, allowed 10–1200)",
        "d (0 tokens, allowed 1–100)");
    assertThat(r.summary()).startsWith("length filter removed 3 of 4 utterances");
  }
}
