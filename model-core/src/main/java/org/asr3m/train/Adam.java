package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

  /**
   * One update with learning rate {@code lr} from the gradients currently held by the parameters:
   * PyTorch's w ← w − (lr / c1)·m / (√v / √c2 + ε) with c1 = 1 − β1^t, c2 = 1 − β2^t. It runs as
   * one fused native call per parameter (the engine's adamUpdate computes w ← w − a·m / (√v + ε′),
   * so a = lr·√c2 / c1 and ε′ = ε·√c2 give PyTorch's update): with hundreds of expert tensors a
   * dozen separate operations per parameter would dominate the step.
   */
  public void update(double lr) {
    update(lr, 1.0);
  }

  /**
   * As {@link #update(double)} with every gradient multiplied by {@code gradScale} first (the
   * clipping factor of {@link GradientClipping#scale}), inside the same native call.
   */
  public void update(double lr, double gradScale) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = Math.sqrt(1 - Math.pow(BETA2, step));
    float stepSize = (float) (lr * c2 / c1);
    float eps = (float) (EPS * c2);
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray w = e.getValue().getArray();
      // getGradient() hands out a new handle each call: close it, or native handles pile up per step
      try (NDArray g = w.getGradient()) {
        w.getNDArrayInternal().adamUpdate(new NDList(w, g, mean.get(e.getKey()), variance.get(e.getKey())),
            new NDList(w), (float) lr, stepSize, 0f, (float) gradScale, -1f, (float) BETA1, (float) BETA2, eps, false, false);
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
