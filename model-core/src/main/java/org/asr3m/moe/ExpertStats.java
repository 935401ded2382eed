package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Expert utilisation per MoE layer (named by its place, e.g. encoders.3.feed_forward; in forward
 * order), accumulated over batches: frames routed to each expert (top-1) and the mean router
 * entropy per frame. This is what the UI's utilisation heat-map shows; a collapsed router shows
 * as one hot column and low entropy.
 */
public final class ExpertStats {
  /** One layer's running totals. */
  private static final class Totals {
    final long[] frames;
    double entropySum;
    double realFrames;

    Totals(int experts) {
      frames = new long[experts];
    }
  }

  /** One layer's statistics: frames per expert, their shares, mean router entropy (nats, over real frames) and its maximum ln N. */
  public record Layer(String layer, long[] frames, List<Double> share, double entropy, double maxEntropy) {}

  private final Map<String, Totals> totals = new LinkedHashMap<>();

  /** Adds one forward pass (reads the router probabilities back to the host for the entropy). */
  public void add(List<MoeRouting> routing) {
    for (MoeRouting r : routing) {
      Totals t = totals.computeIfAbsent(r.layer(), k -> new Totals(r.framesPerExpert().length));
      for (int e = 0; e < t.frames.length; e++) {
        t.frames[e] += r.framesPerExpert()[e];
      }
      try (NDArray logp = r.probs().add(1e-12f).log(); NDArray h = r.probs().mul(logp).sum(new int[] {1}).neg();
          NDArray masked = h.mul(r.valid()); NDArray sum = masked.sum(); NDArray count = r.valid().sum()) {
        t.entropySum += sum.toType(DataType.FLOAT64, false).getDouble();
        t.realFrames += count.toType(DataType.FLOAT64, false).getDouble();
      }
    }
  }

  public boolean isEmpty() {
    return totals.isEmpty();
  }

  /** Per layer: frames routed to each expert. */
  public Map<String, long[]> framesPerExpert() {
    Map<String, long[]> out = new LinkedHashMap<>();
    totals.forEach((k, t) -> out.put(k, t.frames));
    return out;
  }

  /** The statistics of every layer, in forward order. */
  public List<Layer> layers() {
    List<Layer> out = new ArrayList<>();
    totals.forEach((layer, t) -> {
      long all = Arrays.stream(t.frames).sum();
      List<Double> share = new ArrayList<>();
      for (long c : t.frames) {
        share.add(all == 0 ? 0.0 : (double) c / all);
      }
      out.add(new Layer(layer, t.frames, share, t.realFrames == 0 ? 0 : t.entropySum / t.realFrames,
          Math.log(t.frames.length)));
    });
    return out;
  }

  /** The layers as plain maps for a JSON file: layer, frames, share, entropy, max_entropy. */
  public List<Map<String, Object>> toJson() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Layer l : layers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("layer", l.layer());
      m.put("frames", l.frames());
      m.put("share", l.share());
      m.put("entropy", l.entropy());
      m.put("max_entropy", l.maxEntropy());
      out.add(m);
    }
    return out;
  }

  /** One line per layer for logs: the share of frames per expert (%) and the router entropy. */
  public List<String> summary() {
    List<String> rows = new ArrayList<>();
    for (Layer l : layers()) {
      StringBuilder sb = new StringBuilder(String.format("%-32s", l.layer() + ":"));
      for (double s : l.share()) {
        sb.append(String.format(" %3.0f", 100 * s));
      }
      rows.add(sb.append(String.format(" %% | entropy %.3f / %.3f", l.entropy(), l.maxEntropy())).toString());
    }
    return rows;
  }

  /** Writes {@code json} (fields holding {@link #toJson()} lists) pretty-printed, creating the directory. */
  public static void write(Path file, Map<String, Object> json) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }
}
