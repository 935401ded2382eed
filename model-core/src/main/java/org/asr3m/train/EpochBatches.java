package org.asr3m.train;

/** One epoch's batches in order, as loader threads produce them (at most the prefetch bound ahead). */
public interface EpochBatches extends AutoCloseable {
  /**
   * The next batch, or null after the last; rethrows a loader's failure. A batch can be empty when
   * every member turned out undecodable (each reported in {@link #summary()}); it still counts as a
   * batch of the epoch, so positions stay those of the plan.
   */
  PaddedBatch next();

  /** Batches in the whole epoch (skipped ones included), or -1 when only known at its end (streams). */
  int size();

  /** What was read so far: utterances, shards, and the problems skipped over. */
  DataSummary summary();

  @Override
  void close();
}
