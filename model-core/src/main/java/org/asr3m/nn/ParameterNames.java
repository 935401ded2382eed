package org.asr3m.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dotted parameter paths of a block tree as WeNet names them ({@code encoder.encoders.0.self_attn.linear_q.weight}).
 * DJL prefixes each child's name with its 1-based position ("01", "02", …); that prefix is
 * removed by position, so child names that are themselves numbers stay unambiguous.
 */
public final class ParameterNames {
  private ParameterNames() {}

  /** Every parameter under {@code root}, in registration order, keyed by its WeNet-style path. */
  public static Map<String, Parameter> of(Block root) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(root, "", out);
    return out;
  }

  private static void collect(Block block, String prefix, Map<String, Parameter> out) {
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      out.put(prefix + p.getValue().getName(), p.getValue());
    }
    int i = 0;
    for (Pair<String, Block> child : block.getChildren()) {
      i++;
      String key = child.getKey();
      String position = String.format("%02d", i);
      String name = key.startsWith(position) ? key.substring(position.length()) : key;
      collect(child.getValue(), prefix + name + ".", out);
    }
  }
}
