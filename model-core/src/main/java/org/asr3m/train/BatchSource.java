package org.asr3m.train;

/**
 * Where the trainer's batches come from: a Kaldi data directory planned in memory or a stream of
 * shards. An epoch's batches are a function of (seed, epoch), so a resumed run reopens the epoch
 * and skips the batches it already consumed (the replay rule recorded in a checkpoint).
 */
public interface BatchSource {
  /**
   * The batches of {@code epoch} after the first {@code skip}, computed ahead on loader threads.
   * The caller closes it (stopping the loaders) whether or not it read to the end.
   */
  EpochBatches open(int epoch, int skip);
}
