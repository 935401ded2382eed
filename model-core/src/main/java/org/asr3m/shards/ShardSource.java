package org.asr3m.shards;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a shard named by a line of a shard list as a stream read once from start to end. The
 * standard one reads local paths and http(s) URLs ({@link UrlShardSource}); the worker plugs in its
 * artefact store for s3:// names, so a corpus is streamed from object storage and never downloaded whole.
 */
public interface ShardSource {
  /** A stream of the shard's bytes; an IOException means it could not be reached (the reader retries). */
  InputStream open(String shard) throws IOException;

  /**
   * Whether a failed read of {@code shard} may succeed when retried (a network hiccup); a local file
   * that fails the same way every time is not retried.
   */
  default boolean retriable(String shard) {
    return true;
  }
}
