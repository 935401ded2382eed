package org.asr3m.shards;

/**
 * How a shard stream is read, from the recipe's {@code dataset_conf} (WeNet's names) and the run's
 * place among data-parallel replicas.
 *
 * @param shuffle shuffle shard order and utterances (training) or keep list order (evaluation)
 * @param shuffleSize utterances in the shuffle buffer ({@code shuffle_conf.shuffle_size})
 * @param sortSize utterances in the length-sorting buffer ({@code sort_conf.sort_size})
 * @param maxFramesInBatch padded frames per batch ({@code batch_conf.max_frames_in_batch})
 * @param threads loader threads ({@code num_workers})
 * @param prefetch batches built ahead of the trainer ({@code prefetch})
 * @param rank this replica's index, 0 ≤ rank &lt; worldSize
 * @param worldSize replicas; each reads the shards whose position in the epoch's order ≡ rank (mod worldSize)
 */
public record LoaderSettings(boolean shuffle, int shuffleSize, int sortSize, int maxFramesInBatch, int threads,
    int prefetch, int rank, int worldSize) {
  public LoaderSettings {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank must be in [0, world_size): rank " + rank + ", world_size " + worldSize);
    }
    if (shuffleSize < 1 || sortSize < 1 || maxFramesInBatch < 1 || threads < 1 || prefetch < 1) {
      throw new IllegalArgumentException("shuffle_size, sort_size, max_frames_in_batch, num_workers and prefetch"
          + " must be >= 1");
    }
  }

  /** The same settings for replica {@code rank} of {@code worldSize}. */
  public LoaderSettings forRank(int r, int w) {
    return new LoaderSettings(shuffle, shuffleSize, sortSize, maxFramesInBatch, threads, prefetch, r, w);
  }

  /** The same settings with {@code n} loader threads and {@code batches} prefetched. */
  public LoaderSettings withThreads(int n, int batches) {
    return new LoaderSettings(shuffle, shuffleSize, sortSize, maxFramesInBatch, n, batches, rank, worldSize);
  }

  /** Utterances held in buffers at most, besides the batches in flight: the memory bound of a stream. */
  public int bufferedUtterances() {
    return shuffleSize + sortSize + 2 * threads;
  }
}
