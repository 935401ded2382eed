package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Expert utilisation per MoE layer (named by its place, e.g. encoders.3.feed_forward; in forward
 * order), accumulated over batches: frames routed to each expert (top-1)
 * and the mean router entropy per frame. This is what the UI's utilisation heat-map shows; a
 * collapsed router shows as one hot column and low entropy.
 */
public final class ExpertStats {
  private final Map<String, long[]> frames = new LinkedHashMap<>();
  private final Map<String, double[]> entropy = new LinkedHashMap<>(); // {sum of entropies, frames}

  /** Adds one forward pass (reads the router probabilities back to the host for the entropy). */
  public void add(List<MoeRouting> routing) {
    for (MoeRouting r : routing) {
      long[] acc = frames.computeIfAbsent(r.layer(), k -> new long[r.framesPerExpert().length]);
      for (int e = 0; e < acc.length; e++) {
        acc[e] += r.framesPerExpert()[e];
      }
      try (NDArray logp = r.probs().add(1e-12f).log(); NDArray h = r.probs().mul(logp).sum(new int[] {1}).neg();
          NDArray masked = h.mul(r.valid()); NDArray sum = masked.sum(); NDArray count = r.valid().sum()) {
        double[] e = entropy.computeIfAbsent(r.layer(), k -> new double[2]);
        e[0] += sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        e[1] += count.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
      }
    }
  }

  /** Per layer: frames routed to each expert. */
  public Map<String, long[]> framesPerExpert() {
    return frames;
  }

  /** Per layer: mean router entropy (nats) over real frames. */
  public Map<String, Double> meanEntropy() {
    Map<String, Double> out = new LinkedHashMap<>();
    entropy.forEach((k, v) -> out.put(k, v[1] == 0 ? 0 : v[0] / v[1]));
    return out;
  }

  public boolean isEmpty() {
    return frames.isEmpty();
  }

  /**
   * The statistics as plain maps and lists for a JSON file: per layer the frames routed to each
   * expert, their shares, the mean router entropy and its maximum ln N (uniform routing).
   */
  public List<Map<String, Object>> toJson() {
    List<Map<String, Object>> layers = new ArrayList<>();
    Map<String, Double> h = meanEntropy();
    frames.forEach((layer, counts) -> {
      long total = java.util.Arrays.stream(counts).sum();
      List<Double> share = new ArrayList<>();
      for (long c : counts) {
        share.add(total == 0 ? 0.0 : (double) c / total);
      }
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("layer", layer);
      m.put("frames", counts);
      m.put("share", share);
      m.put("entropy", h.get(layer));
      m.put("max_entropy", Math.log(counts.length));
      layers.add(m);
    });
    return layers;
  }

  /** One line per layer for logs: the share of frames per expert (%) and the router entropy. */
  public List<String> summary() {
    List<String> rows = new ArrayList<>();
    for (Map<String, Object> m : toJson()) {
      StringBuilder sb = new StringBuilder(String.format("%-32s", m.get("layer") + ":"));
      @SuppressWarnings("unchecked")
      List<Double> share = (List<Double>) m.get("share");
      for (double s : share) {
        sb.append(String.format(" %3.0f", 100 * s));
      }
      rows.add(sb.append(String.format(" %% | entropy %.3f / %.3f", (double) m.get("entropy"),
          (double) m.get("max_entropy"))).toString());
    }
    return rows;
  }
}
