package org.asr3m.model;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.moe.MoeRouting;

/**
 * Loss terms of one forward pass. {@code total} is what backward runs on; the named terms are
 * detached scalars for logging (ctc, att, acc, and any auxiliary terms such as MoE losses);
 * {@code routing} is what the MoE layers decided (empty for a dense model), for expert statistics.
 */
public record Losses(NDArray total, Map<String, NDArray> terms, List<MoeRouting> routing) {
  public Losses(NDArray total, List<MoeRouting> routing) {
    this(total, new LinkedHashMap<>(), routing);
  }

  public Losses term(String name, NDArray value) {
    if (value != null) {
      terms.put(name, value.stopGradient());
    }
    return this;
  }
}
