package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-forward state the encoder hands to its blocks: the padding mask of the subsampled frames,
 * the routing embedding for MoE layers (null without one), and what MoE layers report back
 * (auxiliary losses and routing statistics).
 */
public final class EncoderContext {
  private NDArray maskPad;
  private NDArray routingEmbedding;
  private final List<Object> reports = new ArrayList<>();

  public NDArray maskPad() {
    return maskPad;
  }

  public void maskPad(NDArray value) {
    this.maskPad = value;
  }

  public NDArray routingEmbedding() {
    return routingEmbedding;
  }

  public EncoderContext routingEmbedding(NDArray value) {
    this.routingEmbedding = value;
    return this;
  }

  /** Adds a layer's report (e.g. an MoE layer's router probabilities); kept in layer order. */
  public void report(Object r) {
    reports.add(r);
  }

  public <T> List<T> reports(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Object r : reports) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }
}
