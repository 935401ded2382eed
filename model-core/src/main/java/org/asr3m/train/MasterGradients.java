package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Adds the gradients collected by working copies of parameters (fp16 casts, replicas on other
 * devices) to the master parameters' float32 gradients. DJL's casts and device copies are not
 * recorded by autograd, so the copies are leaves of their own; their gradients reach the masters
 * through one more backward pass over the surrogate Σ_p sum(w_p · g_p), whose gradient with respect
 * to each master w_p is exactly g_p (∞/NaN included, so an fp16 overflow still shows in the norm).
 */
final class MasterGradients {
  private MasterGradients() {}

  /** @param copies master parameter → its working copy (a leaf that went through a backward pass) */
  static void accumulate(Map<Parameter, NDArray> copies, Autograd collector, NDManager scratch) {
    NDArray total = null;
    for (Map.Entry<Parameter, NDArray> e : copies.entrySet()) {
      NDArray copy = e.getValue();
      if (!copy.hasGradient()) {
        continue;
      }
      NDArray master = e.getKey().getArray();
      NDArray g = copy.getGradient();
      g.attach(scratch);
      NDArray g32 = g.toDevice(master.getDevice(), false).toType(DataType.FLOAT32, false);
      g32.attach(scratch);
      NDArray term = master.mul(g32); // in master's manager: moved to scratch at once
      term.attach(scratch);
      NDArray s = term.sum();
      s.attach(scratch);
      total = total == null ? s : total.add(s);
    }
    if (total != null) {
      collector.backward(total);
    }
  }
}
