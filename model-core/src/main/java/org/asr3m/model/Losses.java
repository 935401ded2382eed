package org.asr3m.model;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loss terms of one forward pass. {@code total} is what backward runs on; the named terms are
 * detached scalars for logging (ctc, att, acc, and any auxiliary terms such as MoE losses).
 */
public record Losses(NDArray total, Map<String, NDArray> terms) {
  public Losses(NDArray total) {
    this(total, new LinkedHashMap<>());
  }

  public Losses term(String name, NDArray value) {
    if (value != null) {
      terms.put(name, value.stopGradient());
    }
    return this;
  }
}
