package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Boolean masks (true = keep) in WeNet's conventions. */
public final class Masks {
  private Masks() {}

  /** (B, 1, T): position t of sequence b is real (t < lengths[b]). */
  public static NDArray padding(NDArray lengths, long maxLen) {
    NDManager m = lengths.getManager();
    NDArray t = m.arange(0, (int) maxLen, 1, DataType.INT64, lengths.getDevice());
    return t.expandDims(0).lt(lengths.toType(DataType.INT64, false).expandDims(1)).expandDims(1);
  }

  /** (L, L) lower-triangular: position i may attend to j ≤ i. */
  public static NDArray subsequent(NDManager m, long len, ai.djl.Device device) {
    NDArray i = m.arange(0, (int) len, 1, DataType.INT64, device);
    return i.expandDims(1).gte(i.expandDims(0));
  }

  /**
   * (T, T) chunk mask for streaming: frame i sees every frame up to the end of its own chunk of
   * {@code chunkSize} frames, and at most {@code leftChunks} chunks back (negative = unlimited).
   */
  public static NDArray chunk(NDManager m, long len, int chunkSize, int leftChunks, ai.djl.Device device) {
    // chunk index of each frame (floor division; DJL's div on integers is true division)
    NDArray chunkIndex = m.arange(0, (int) len, 1, DataType.FLOAT32, device).div(chunkSize).floor();
    NDArray chunkOfRow = chunkIndex.expandDims(1);
    NDArray chunkOfCol = chunkIndex.expandDims(0);
    NDArray visible = chunkOfCol.lte(chunkOfRow);
    if (leftChunks >= 0) {
      visible = visible.logicalAnd(chunkOfCol.gte(chunkOfRow.sub(leftChunks)));
    }
    return visible;
  }
}
