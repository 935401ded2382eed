package org.asr3m.train;

/** One epoch's batches in order, as loader threads produce them (at most the prefetch bound ahead). */
public interface EpochBatches extends AutoCloseable {
  /** The next batch, or null after the last; rethrows a loader's failure. */
  PaddedBatch next();

  /** Batches in the whole epoch (skipped ones included), or -1 when only known at its end (streams). */
  int size();

  /** What was read so far: utterances, shards, and the problems skipped over. */
  DataSummary summary();

  @Override
  void close();
}
