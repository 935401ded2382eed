package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import org.asr3m.shards.ShardSource;
import org.asr3m.shards.UrlShardSource;

/**
 * Shards in the artefact store, named in a shard list as {@code store://<key>} (what featurePrep
 * writes into {@code shards.list}); other lines (local paths, file:, http(s) URLs) are read as
 * model-core reads them. A store shard is streamed with {@link ArtifactStore#open(String)} — the
 * local directory store and S3/MinIO alike — one shard at a time as the shard stream reads it, never
 * downloaded first; its SHA-256 is checked when the read reaches the end. Failed reads are retried
 * (the shard reader reopens the shard and reads on from the member it stopped at).
 */
public final class StoreShardSource implements ShardSource {
  /** Prefix of a shard-list line naming an object of the store. */
  public static final String SCHEME = "store://";

  private final ArtifactStore store;
  private final UrlShardSource others = new UrlShardSource();

  public StoreShardSource(ArtifactStore store) {
    this.store = store;
  }

  /** The shard-list line of the object {@code key}. */
  public static String line(String key) {
    return SCHEME + ArtifactKeys.requireValidKey(key);
  }

  @Override
  public InputStream open(String shard) throws IOException {
    if (!shard.startsWith(SCHEME)) {
      return others.open(shard);
    }
    String key = shard.substring(SCHEME.length());
    try {
      return store.open(key);
    } catch (IllegalArgumentException e) {
      // a malformed key never becomes readable: not worth the reader's retries
      throw new IllegalArgumentException("shard " + shard + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean retriable(String shard) {
    // the store is a network service (S3) or a disk behind one: a failed read may well succeed again
    return shard.startsWith(SCHEME) || others.retriable(shard);
  }
}
