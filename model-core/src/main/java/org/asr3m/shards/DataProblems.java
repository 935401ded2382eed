package org.asr3m.shards;

import java.util.ArrayList;
import java.util.List;

/**
 * Bad inputs met while streaming an epoch (corrupt or incomplete members, truncated shards), each
 * named by shard and member. All are counted; the first {@code kept} messages are kept for the epoch
 * summary, so memory stays bounded however many there are.
 */
public final class DataProblems {
  private final int kept;
  private final List<String> messages = new ArrayList<>();
  private long count;

  public DataProblems(int kept) {
    this.kept = kept;
  }

  public synchronized void add(String message) {
    count++;
    if (messages.size() < kept) {
      messages.add(message);
    }
  }

  public synchronized long count() {
    return count;
  }

  public synchronized List<String> messages() {
    return List.copyOf(messages);
  }
}
