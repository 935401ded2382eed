package org.asr3m.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.asr3m.loss.LabelSmoothingLoss;
import org.asr3m.model.Batch;

/**
 * A padded batch in Java arrays, built by loader threads ahead of the trainer and turned into
 * native tensors only when its step runs (so prefetched batches hold no native memory).
 *
 * @param features (size × maxFrames × dim), zero padded
 * @param featLens frames of each utterance
 * @param targets (size × maxTokens), padded with {@link LabelSmoothingLoss#IGNORE_ID}
 * @param targetLens tokens of each utterance
 */
public record PaddedBatch(float[] features, int maxFrames, int dim, long[] featLens, long[] targets, int maxTokens,
    long[] targetLens) {

  /** Pads {@code feats.get(i)} (frames × dim) and {@code tokens.get(i)}. */
  public static PaddedBatch of(List<float[][]> feats, List<int[]> tokens, int dim) {
    int b = feats.size();
    int maxT = 0;
    int maxL = 1;
    for (int i = 0; i < b; i++) {
      maxT = Math.max(maxT, feats.get(i).length);
      maxL = Math.max(maxL, tokens.get(i).length);
    }
    float[] x = new float[b * maxT * dim];
    long[] lens = new long[b];
    long[] ys = new long[b * maxL];
    long[] ysLens = new long[b];
    Arrays.fill(ys, LabelSmoothingLoss.IGNORE_ID);
    for (int i = 0; i < b; i++) {
      float[][] f = feats.get(i);
      for (int t = 0; t < f.length; t++) {
        System.arraycopy(f[t], 0, x, (i * maxT + t) * dim, dim);
      }
      lens[i] = f.length;
      int[] tk = tokens.get(i);
      for (int j = 0; j < tk.length; j++) {
        ys[i * maxL + j] = tk[j];
      }
      ysLens[i] = tk.length;
    }
    return new PaddedBatch(x, maxT, dim, lens, ys, maxL, ysLens);
  }

  public int size() {
    return featLens.length;
  }

  /** Frames before padding. */
  public long frames() {
    long n = 0;
    for (long l : featLens) {
      n += l;
    }
    return n;
  }

  /** The batch as tensors owned by {@code manager}, on its device. */
  public Batch toBatch(NDManager manager) {
    int b = size();
    var device = manager.getDevice();
    return new Batch(manager.create(FloatBuffer.wrap(features), new Shape(b, maxFrames, dim), DataType.FLOAT32)
        .toDevice(device, false), manager.create(featLens).toDevice(device, false),
        manager.create(targets, new Shape(b, maxTokens)).toDevice(device, false),
        manager.create(targetLens).toDevice(device, false));
  }
}
