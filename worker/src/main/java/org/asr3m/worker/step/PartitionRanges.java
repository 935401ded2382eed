package org.asr3m.worker.step;

import java.util.ArrayList;
import java.util.List;
import org.asr3m.data.Utterance;

/**
 * Where featurePrep cuts the training set (utterances in id order) into contiguous partitions: about
 * equal sizes, but never between two segments of one recording, so that each partition's shards decode
 * a long recording once (segment ids normally start with their recording's id, so its segments are
 * neighbours). A cut that would fall inside a recording moves to its end; cuts that meet are merged,
 * so there may be fewer partitions than asked for, none of them empty.
 */
final class PartitionRanges {
  private PartitionRanges() {}

  /** Boundaries {@code b0 = 0 < b1 < … < bk = n}: partition i holds utterances [b(i), b(i+1)). */
  static List<Integer> cut(List<Utterance> utterances, int partitions) {
    int n = utterances.size();
    int k = Math.max(1, Math.min(partitions, n));
    List<Integer> bounds = new ArrayList<>();
    bounds.add(0);
    for (int i = 1; i < k; i++) {
      int b = Math.max((int) ((long) n * i / k), bounds.get(bounds.size() - 1));
      while (b > 0 && b < n && sameRecording(utterances.get(b - 1), utterances.get(b))) {
        b++;
      }
      if (b > bounds.get(bounds.size() - 1) && b < n) {
        bounds.add(b);
      }
    }
    bounds.add(n); // an empty set: one empty partition [0, 0)
    return bounds;
  }

  private static boolean sameRecording(Utterance a, Utterance b) {
    return segment(a) && segment(b) && a.audio().equals(b.audio());
  }

  /** A segment of a recording (not a whole file), as MakeShards groups them. */
  private static boolean segment(Utterance u) {
    return u.startSec() > 0 || u.endSec() >= 0;
  }
}
