package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.asr3m.audio.Audio;
import org.junit.jupiter.api.Test;

class SpecAugmentTest {
  private static float[][] ones(int frames, int bins) {
    float[][] x = new float[frames][bins];
    for (float[] row : x) {
      java.util.Arrays.fill(row, 1f);
    }
    return x;
  }

  @Test
  void sameSeedSameMasks() {
    float[][] a = ones(200, 80);
    float[][] b = ones(200, 80);
    SpecAugment.PAPER.apply(a, new Random(42));
    SpecAugment.PAPER.apply(b, new Random(42));
    assertThat(a).isDeepEqualTo(b);
    float[][] c = ones(200, 80);
    SpecAugment.PAPER.apply(c, new Random(43));
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void masksStayWithinTheConfiguredWidths() {
    for (int seed = 0; seed < 200; seed++) {
      float[][] x = ones(300, 80);
      new SpecAugment(1, 30, 0, 50).apply(x, new Random(seed));
      int zeroBins = 0;
      for (int f = 0; f < 80; f++) {
        if (x[0][f] == 0) {
          zeroBins++;
          for (float[] row : x) {
            assertThat(row[f]).isZero(); // a frequency mask covers every frame
          }
        }
      }
      assertThat(zeroBins).isBetween(1, 30);
      float[][] y = ones(300, 80);
      new SpecAugment(0, 30, 1, 50).apply(y, new Random(seed));
      int zeroFrames = 0;
      for (float[] row : y) {
        if (row[0] == 0) {
          zeroFrames++;
          assertThat(row).containsOnly(0f);
        }
      }
      assertThat(zeroFrames).isBetween(1, 50);
    }
  }

  @Test
  void speedPerturbationScalesDuration() {
    Audio a = new Audio(new float[16000], 16000);
    assertThat(SpeedPerturb.apply(a, 1.1).samples().length).isEqualTo(14546); // ceil(16000 / 1.1)
    assertThat(SpeedPerturb.apply(a, 0.9).samples().length).isEqualTo(17778); // ceil(16000 / 0.9)
    assertThat(SpeedPerturb.apply(a, 1.0)).isSameAs(a);
    Random r = new Random(1);
    for (int i = 0; i < 20; i++) {
      int n = SpeedPerturb.DEFAULT.apply(a, r).samples().length;
      assertThat(n).isIn(14546, 16000, 17778);
    }
  }
}
