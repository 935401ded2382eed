package org.asr3m.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Batches by total frames, not by count (like WeNet's dynamic batching): utterances are shuffled
 * (seed + epoch), sorted by length within buffers of {@code sortBufferSize} so batches hold similar
 * lengths, and cut so that batch size × longest utterance — the padded size memory actually sees —
 * stays within {@code maxFramesInBatch}. A single utterance longer than the limit forms a batch of
 * its own rather than being dropped. Batch order is shuffled again. The same seed and epoch always
 * give the same batches.
 */
public final class FrameBucketSampler {
  private final int[] frames;
  private final int maxFramesInBatch;
  private final int sortBufferSize;
  private final boolean shuffle;
  private final long seed;

  /**
   * @param frames frame count of each utterance (index = utterance position)
   * @param shuffle false keeps input order (for evaluation)
   */
  public FrameBucketSampler(int[] frames, int maxFramesInBatch, int sortBufferSize, boolean shuffle, long seed) {
    if (maxFramesInBatch < 1 || sortBufferSize < 1) {
      throw new IllegalArgumentException("max_frames_in_batch and sort_buffer_size must be >= 1");
    }
    this.frames = frames.clone();
    this.maxFramesInBatch = maxFramesInBatch;
    this.sortBufferSize = sortBufferSize;
    this.shuffle = shuffle;
    this.seed = seed;
  }

  /** Batches of utterance indices for {@code epoch}; every index appears exactly once. */
  public List<List<Integer>> batches(int epoch) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < frames.length; i++) {
      order.add(i);
    }
    Random random = new Random(seed * 1_000_003L + epoch);
    if (shuffle) {
      Collections.shuffle(order, random);
    }
    List<List<Integer>> batches = new ArrayList<>();
    for (int start = 0; start < order.size(); start += sortBufferSize) {
      List<Integer> bucket = new ArrayList<>(order.subList(start, Math.min(order.size(), start + sortBufferSize)));
      bucket.sort(Comparator.comparingInt(i -> frames[i]));
      List<Integer> batch = new ArrayList<>();
      int longest = 0;
      for (int i : bucket) {
        int l = Math.max(longest, frames[i]);
        if (!batch.isEmpty() && (long) l * (batch.size() + 1) > maxFramesInBatch) {
          batches.add(batch);
          batch = new ArrayList<>();
          l = frames[i];
        }
        batch.add(i);
        longest = l;
      }
      if (!batch.isEmpty()) {
        batches.add(batch);
      }
    }
    if (shuffle) {
      Collections.shuffle(batches, random);
    }
    return batches;
  }
}
