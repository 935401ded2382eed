package org.asr3m.data;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts transcript units that had to be mapped to &lt;unk&gt;, for the end-of-job warning. */
public final class UnkCounter {
  private final Map<String, Integer> counts = new TreeMap<>();
  private long total;

  public synchronized void add(String token) {
    counts.merge(token, 1, Integer::sum);
    total++;
  }

  public synchronized long total() {
    return total;
  }

  public synchronized Map<String, Integer> counts() {
    return Map.copyOf(counts);
  }

  /** e.g. "3 token(s) mapped to &lt;unk&gt;: 龘×2, 靐×1" (most frequent first, at most 20 listed). */
  public synchronized String summary() {
    String list = counts.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()))
        .limit(20).map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
    return total + " token(s) mapped to <unk>: " + list + (counts.size() > 20 ? ", …" : "");
  }
}
