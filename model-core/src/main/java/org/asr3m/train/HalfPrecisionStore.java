package org.asr3m.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * fp16 compute over fp32 master weights: every layer reads its parameters through the
 * ParameterStore, and this one hands out float16 copies of the (float32) parameters instead, made
 * once per step (a parameter used twice is copied once) as leaves that collect float16 gradients.
 * {@link #endStep} adds those to the masters' float32 gradients ({@link MasterGradients}), which
 * Adam then uses in float32 — the master-weights scheme of mixed-precision training, without
 * autocast (DJL has none).
 */
public final class HalfPrecisionStore extends ParameterStore {
  private final NDManager manager;
  private final Map<Parameter, NDArray> casts = new IdentityHashMap<>();
  private NDManager step;

  public HalfPrecisionStore(NDManager manager) {
    super(manager, false);
    this.manager = manager;
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    NDArray master = super.getValue(parameter, device, training);
    if (master == null || master.getDataType() != DataType.FLOAT32) {
      return master;
    }
    return casts.computeIfAbsent(parameter, p -> {
      if (step == null) {
        step = manager.newSubManager();
      }
      NDArray half = master.toType(DataType.FLOAT16, false);
      half.attach(step);
      if (p.requiresGradient() && training) {
        half.setRequiresGradient(true);
      }
      return half;
    });
  }

  /**
   * After the step's backward pass: adds the fp16 gradients to the masters (inside {@code collector},
   * still open) and releases the copies.
   */
  public void endStep(Autograd collector) {
    if (step != null) {
      Map<Parameter, NDArray> leaves = new IdentityHashMap<>();
      casts.forEach((p, h) -> {
        if (p.requiresGradient() && h.hasGradient()) {
          leaves.put(p, h);
        }
      });
      MasterGradients.accumulate(leaves, collector, step);
    }
    casts.clear();
    if (step != null) {
      step.close();
      step = null;
    }
  }
}
