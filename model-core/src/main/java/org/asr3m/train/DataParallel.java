package org.asr3m.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.model.Losses;

/**
 * Single-host data parallelism: a batch is split along the utterance axis into one shard per
 * device, each shard runs forward and backward on its device, and the replicas' gradients are
 * summed into the master parameters, which the one optimizer then updates (the replicas are
 * re-copied from the masters at the next step).
 *
 * <p>The losses are normalised per batch (WeNet divides by the batch size B), so a shard of b_i
 * utterances has its loss weighted by b_i / B: the summed gradients are then those of the whole
 * batch. Shards keep the batch's padded length, so every utterance sees the same padding as
 * unsplit. Not decomposable this way, and computed per shard as each rank of PyTorch's DDP does:
 * MoE load-balancing losses (they average router probabilities over the shard) and batch-norm
 * statistics (cnn_module_norm: batch_norm).
 *
 * <p>Shard 0 runs on the master parameters' device through the caller's ParameterStore; the
 * other shards through a {@link ReplicaStore} each. Shards run one after another: on GPUs the
 * launches are asynchronous, so the devices overlap; on one CPU device (the tests) they simply
 * take turns.
 */
public final class DataParallel {
  private final List<Device> devices;

  /** @param devices one per shard; the first must hold the model's parameters */
  public DataParallel(List<Device> devices) {
    if (devices.isEmpty()) {
      throw new IllegalArgumentException("data parallelism needs at least one device");
    }
    this.devices = List.copyOf(devices);
  }

  /**
   * Every GPU DJL reports, {@code main} (where the model lives) first; null when the model is not
   * on a GPU or fewer than two are visible (then a step is a plain step).
   */
  public static DataParallel ofVisibleGpus(Device main) {
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus < 2 || !main.isGpu()) {
      return null;
    }
    List<Device> d = new ArrayList<>(List.of(main));
    for (int i = 0; i < gpus; i++) {
      if (i != main.getDeviceId()) {
        d.add(Device.gpu(i));
      }
    }
    return new DataParallel(d);
  }

  public int shards() {
    return devices.size();
  }

  /** [from, to) utterance ranges of the shards, as even as possible (a shard may be empty). */
  static int[][] split(int batch, int parts) {
    int[][] r = new int[parts][];
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int n = batch / parts + (i < batch % parts ? 1 : 0);
      r[i] = new int[] {from, from + n};
      from += n;
    }
    return r;
  }

  /**
   * Forward and backward of {@code batch} over the shards, gradients summed into the masters.
   *
   * @param lossScale multiplies each shard's loss before its backward pass (1/accum_grad, and the
   *     fp16 loss scale)
   * @return the batch's loss terms (weighted sums of the shards', as host-side values in {@code m})
   */
  public Losses step(AsrModel model, ParameterStore ps, Autograd collector, Batch batch, boolean training,
      double lossScale, boolean half, NDManager m) {
    int b = Math.toIntExact(batch.feats().getShape().get(0));
    int[][] ranges = split(b, devices.size());
    NDArray total = null;
    java.util.Map<String, NDArray> terms = new java.util.LinkedHashMap<>();
    List<org.asr3m.moe.MoeRouting> routing = new ArrayList<>();
    for (int i = 0; i < ranges.length; i++) {
      int from = ranges[i][0];
      int to = ranges[i][1];
      if (from == to) {
        continue;
      }
      Device device = devices.get(i);
      // closed with m (the caller's per-batch manager): the routing statistics are read after this returns
      NDManager sm = m.newSubManager(device);
      {
        Batch shard = new Batch(slice(batch.feats(), from, to, device, sm, half), slice(batch.featLens(), from, to, device, sm, false),
            slice(batch.targets(), from, to, device, sm, false), slice(batch.targetLens(), from, to, device, sm, false));
        ReplicaStore replica = i == 0 ? null : new ReplicaStore(sm, half);
        Losses l = model.loss(replica == null ? ps : replica, shard, training);
        double weight = (double) (to - from) / b;
        // Ops.mul: a Java-number mul would hand autograd a freed scalar (README, DJL notes)
        // in fp32: a loss scale of 2^16 is beyond fp16's range
        NDArray loss = org.asr3m.nn.Ops.toFloat32(l.total());
        collector.backward(org.asr3m.nn.Ops.mul(loss, weight * lossScale));
        if (replica != null) {
          replica.addGradientsToMasters(collector);
        }
        total = accumulate(total, l.total(), weight, m);
        for (java.util.Map.Entry<String, NDArray> t : l.terms().entrySet()) {
          terms.put(t.getKey(), accumulate(terms.get(t.getKey()), t.getValue(), weight, m));
        }
        routing.addAll(l.routing());
      }
    }
    Losses out = new Losses(total, routing);
    terms.forEach(out::term);
    return out;
  }

  private static NDArray slice(NDArray a, int from, int to, Device device, NDManager sm, boolean half) {
    NDArray s = a.get(new NDIndex("{}:{}", from, to)).toDevice(device, false);
    if (half && s.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      s = s.toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
    }
    s.attach(sm);
    return s;
  }

  /** acc + weight·value, kept detached in {@code m} on the master device (for logging only). */
  private static NDArray accumulate(NDArray acc, NDArray value, double weight, NDManager m) {
    NDArray v = value.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
        .toDevice(m.getDevice(), false).mul(weight);
    v.attach(m);
    return acc == null ? v : acc.add(v);
  }
}
