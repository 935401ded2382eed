package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (PyTorch semantics, no weight decay — WeNet's default) with its moment estimates kept
 * here, keyed by parameter path, so a checkpoint can save and restore them and a resumed run
 * continues exactly. Updates run in place on the device, outside any gradient recording.
 */
public final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final Map<String, Parameter> params;
  private final Map<String, NDArray> mean = new LinkedHashMap<>();
  private final Map<String, NDArray> variance = new LinkedHashMap<>();
  private long step;

  /** @param params trainable parameters by path; the moment arrays live in {@code manager} */
  public Adam(Map<String, Parameter> params, NDManager manager) {
    this.params = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      if (e.getValue().requiresGradient()) {
        NDArray w = e.getValue().getArray();
        this.params.put(e.getKey(), e.getValue());
        mean.put(e.getKey(), manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        variance.put(e.getKey(), manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
      }
    }
  }

  /** Optimiser updates taken so far. */
  public long step() {
    return step;
  }

  public Map<String, Parameter> parameters() {
    return params;
  }

  /** One update with learning rate {@code lr} from the gradients currently held by the parameters. */
  public void update(double lr) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = Math.sqrt(1 - Math.pow(BETA2, step));
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray w = e.getValue().getArray();
      NDArray m = mean.get(e.getKey());
      NDArray v = variance.get(e.getKey());
      // getGradient() hands out a new handle each call: close it, or native handles pile up per step
      try (NDArray g = w.getGradient(); NDArray gm = g.mul(1 - BETA1); NDArray g2 = g.square().muli(1 - BETA2)) {
        m.muli(BETA1).addi(gm);
        v.muli(BETA2).addi(g2);
      }
      try (NDArray denom = v.sqrt().divi(c2).addi(EPS); NDArray upd = m.div(denom).muli(lr / c1)) {
        w.subi(upd);
      }
    }
  }

  /** Moment estimates for a checkpoint: "mean/&lt;path&gt;" and "var/&lt;path&gt;". */
  public Map<String, NDArray> state() {
    Map<String, NDArray> s = new LinkedHashMap<>();
    mean.forEach((k, v) -> s.put("mean/" + k, v));
    variance.forEach((k, v) -> s.put("var/" + k, v));
    return s;
  }

  /** Restores moments and the step counter saved by {@link #state()}. */
  public void restore(Map<String, float[]> state, long savedStep) {
    for (Map.Entry<String, NDArray> e : state().entrySet()) {
      float[] values = state.get(e.getKey());
      if (values == null) {
        throw new IllegalArgumentException("optimizer state has no entry " + e.getKey());
      }
      e.getValue().set(values);
    }
    this.step = savedStep;
  }
}
