package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-forward state the encoder hands to its blocks: the padding mask of the subsampled frames
 * (null when no frame is padding), the routing embedding for MoE layers (null without one), and
 * what MoE layers report back (auxiliary losses and routing statistics).
 */
public final class EncoderContext {
  private NDArray maskPad;
  private NDArray keepPad;
  private NDArray routingEmbedding;
  private final List<Object> reports = new ArrayList<>();

  public NDArray maskPad() {
    return maskPad;
  }

  public void maskPad(NDArray value) {
    this.maskPad = value;
    this.keepPad = null;
  }

  /** The padding mask as 1 / 0 in {@code type}, made on first use and shared by the blocks; null without a mask. */
  public NDArray keepPad(DataType type) {
    if (maskPad == null) {
      return null;
    }
    if (keepPad == null || keepPad.getDataType() != type) {
      keepPad = maskPad.toType(type, false);
    }
    return keepPad;
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
