package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Dynamic chunk training (U2 / U2++): each batch draws a chunk size so one model learns both
 * full-context and streaming attention. As WeNet: draw r uniformly in [1, T); if r &gt; T/2 use the
 * full context, otherwise a chunk of (r mod 25) + 1 frames, and with dynamic left chunks a random
 * number of visible left chunks. Drawn from the engine's generator, which the trainer reseeds per
 * batch, so the choice is reproducible.
 */
public final class DynamicChunk {
  private DynamicChunk() {}

  /** @return {chunk size (T = full context), left chunks (−1 = all)} */
  public static int[] draw(NDManager m, long frames, boolean dynamicLeft) {
    if (frames < 2) {
      return new int[] {(int) frames, -1};
    }
    int r = draw(m, 1, frames);
    if (r > frames / 2) {
      return new int[] {(int) frames, -1};
    }
    int chunk = r % 25 + 1;
    int left = -1;
    if (dynamicLeft) {
      long maxLeft = (frames - 1) / chunk;
      left = maxLeft > 0 ? draw(m, 0, maxLeft) : 0;
    }
    return new int[] {chunk, left};
  }

  private static int draw(NDManager m, long low, long high) {
    try (NDArray v = m.randomInteger(low, high, new Shape(1), DataType.INT64)) {
      return (int) v.getLong();
    }
  }
}
