package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class MasksTest {
  @Test
  void chunkMaskMatchesTheDefinition() {
    try (NDManager m = NDManager.newBaseManager()) {
      int t = 11;
      for (int chunk : new int[] {1, 3, 4}) {
        for (int left : new int[] {-1, 0, 1, 2}) {
          boolean[] mask = Masks.chunk(m, t, chunk, left, m.getDevice()).toBooleanArray();
          for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
              // frame i sees frame j iff j's chunk is not after i's and, with limited left context, at most
              // `left` chunks before it (WeNet's subsequent_chunk_mask)
              int ci = i / chunk;
              int cj = j / chunk;
              boolean expected = cj <= ci && (left < 0 || cj >= ci - left);
              assertThat(mask[i * t + j]).as("chunk %d left %d (%d,%d)", chunk, left, i, j).isEqualTo(expected);
            }
          }
        }
      }
    }
  }

  @Test
  void paddingAndSubsequentMasks() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(Masks.padding(m.create(new long[] {2, 3}), 3).toBooleanArray())
          .containsExactly(true, true, false, true, true, true);
      assertThat(Masks.subsequent(m, 3, m.getDevice()).toBooleanArray())
          .containsExactly(true, false, false, true, true, false, true, true, true);
    }
  }

  @Test
  void dynamicChunkDrawsFullContextOrChunksOfAtMost25() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      int full = 0;
      for (int i = 0; i < 200; i++) {
        int[] c = DynamicChunk.draw(m, 100, true);
        if (c[0] == 100) {
          full++;
          assertThat(c[1]).isEqualTo(-1);
        } else {
          assertThat(c[0]).isBetween(1, 25);
          assertThat(c[1]).isBetween(0, 99 / c[0]);
        }
      }
      assertThat(full).isBetween(60, 140); // r > T/2 about half the time
    }
  }

  @Test
  void causalConvolutionIgnoresFutureFrames() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(2);
      ConvolutionModule conv = new ConvolutionModule(6, 5, true, true);
      conv.initialize(m, DataType.FLOAT32, new Shape(1));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(1, 12, 6));
      NDArray changed = x.duplicate();
      changed.set(new ai.djl.ndarray.index.NDIndex(":, 8:, :"), 5f); // alter frames 8..11
      NDArray all = m.ones(new Shape(1, 1, 12), DataType.BOOLEAN);
      float[] a = conv.forward(ps, x, all, false).get(":, :8, :").toFloatArray();
      float[] b = conv.forward(ps, changed, all, false).get(":, :8, :").toFloatArray();
      assertThat(b).containsExactly(a);
      // and the output keeps the input length
      assertThat(conv.forward(ps, x, all, false).getShape()).isEqualTo(new Shape(1, 12, 6));
    }
  }
}
