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
 * One data-parallel replica's parameters for one step: each parameter is copied to the replica's
 * device on first use (always a copy, even on the master's own device, so the same code runs in
 * CPU tests), as a leaf that collects its own gradient; {@link #addGradientsToMasters} sums those
 * into the master parameters' gradients. With {@code half} the copies are float16 (as
 * {@link HalfPrecisionStore}).
 */
final class ReplicaStore extends ParameterStore {
  private final NDManager manager;
  private final boolean half;
  private final Map<Parameter, NDArray> copies = new IdentityHashMap<>();
  private final Map<Parameter, NDArray> values = new IdentityHashMap<>();

  /** @param manager per-step manager on the replica's device; closing it frees the copies */
  ReplicaStore(NDManager manager, boolean half) {
    super(manager, true);
    this.manager = manager;
    this.half = half;
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    if (parameter == null) {
      return null;
    }
    return values.computeIfAbsent(parameter, p -> {
      NDArray master = p.getArray();
      NDArray copy = master.getDevice().equals(device) ? master.duplicate() : master.toDevice(device, true);
      copy.attach(manager);
      if (half && copy.getDataType() == DataType.FLOAT32) {
        copy = copy.toType(DataType.FLOAT16, false);
        copy.attach(manager);
      }
      if (p.requiresGradient() && training) {
        copy.setRequiresGradient(true);
        copies.put(p, copy);
      }
      return copy;
    });
  }

  /** master.grad += replica.grad for every parameter this replica used (after its backward pass). */
  void addGradientsToMasters(Autograd collector) {
    MasterGradients.accumulate(copies, collector, manager);
  }
}
