package org.asr3m.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** Elements per task of the host pass: large tensors are shared between cores. */
  private static final int CHUNK = 1 << 18;

  private final Map<String, Parameter> params;
  private final Map<String, NDArray> mean = new LinkedHashMap<>();
  private final Map<String, NDArray> variance = new LinkedHashMap<>();
  private long step;
  private boolean hostPass = true;
  private long hostSteps;

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
   * PyTorch's w ← w − (lr / c1)·m / (√v / √c2 + ε) with c1 = 1 − β1^t, c2 = 1 − β2^t, computed as
   * w ← w − a·m / (√v + ε′) with a = lr·√c2 / c1 and ε′ = ε·√c2.
   *
   * <p>Float32 parameters in host memory (the PyTorch engine on the CPU) are updated in one pass
   * over weight, gradient and both moments, on all cores: the update is bound by memory bandwidth,
   * and the engine's adamUpdate moves about four times the minimum (it clones the gradient and
   * builds temporaries) — with every FFN an MoE layer it was a fifth of the training step. On other
   * devices each parameter takes one native adamUpdate call (with hundreds of expert tensors, a
   * dozen separate operations per parameter would dominate the step).
   */
  public void update(double lr) {
    update(lr, 1.0);
  }

  /**
   * As {@link #update(double)} with every gradient multiplied by {@code gradScale} first (the
   * clipping factor of {@link GradientClipping#scale}), inside the same pass.
   *
   * <p>Leaves every gradient zero, ready for the next backward pass (torch's step then zero_grad):
   * the host pass writes the zeros while each gradient tile is in cache, which saves a separate
   * write pass over all of them; a caller that skips the update zeroes them itself.
   */
  public void update(double lr, double gradScale) {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = Math.sqrt(1 - Math.pow(BETA2, step));
    float stepSize = (float) (lr * c2 / c1);
    float eps = (float) (EPS * c2);
    if (hostPass && params.values().stream().allMatch(p -> inHostMemory(p.getArray()))) {
      hostUpdate(stepSize, eps, (float) gradScale);
      hostSteps++;
      return;
    }
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray w = e.getValue().getArray();
      // getGradient() hands out a new handle each call: close it, or native handles pile up per step
      try (NDArray g = w.getGradient()) {
        w.getNDArrayInternal().adamUpdate(new NDList(w, g, mean.get(e.getKey()), variance.get(e.getKey())),
            new NDList(w), (float) lr, stepSize, 0f, (float) gradScale, -1f, (float) BETA1, (float) BETA2, eps,
            false, false);
      }
    }
    GradientClipping.zero(params.values(), false);
  }

  /** Updates that ran as the host pass (tests check which path ran). */
  long hostSteps() {
    return hostSteps;
  }

  /** Use the engine's adamUpdate everywhere (tests compare both paths). */
  Adam engineOnly() {
    hostPass = false;
    return this;
  }

  /**
   * A dense float32 PyTorch tensor in host memory: its direct byte buffer is a view of the tensor
   * itself (on other engines or devices it would be a copy, and writes to it would be lost).
   */
  static boolean inHostMemory(NDArray a) {
    return a instanceof ai.djl.pytorch.engine.PtNDArray && a.getDevice().getDeviceType().equals(Device.Type.CPU)
        && a.getDataType() == DataType.FLOAT32 && !a.isSparse() && a.size() < Integer.MAX_VALUE / 4;
  }

  /** The whole update in one pass per element, split into chunks that run on all cores. */
  private void hostUpdate(float stepSize, float eps, float scale) {
    List<NDArray> grads = new ArrayList<>();
    List<Runnable> chunks = new ArrayList<>();
    try {
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray w = e.getValue().getArray();
        NDArray g = w.getGradient();
        grads.add(g);
        FloatBuffer wb = view(w);
        FloatBuffer gb = view(g);
        FloatBuffer mb = view(mean.get(e.getKey()));
        FloatBuffer vb = view(variance.get(e.getKey()));
        int n = wb.capacity();
        for (int from = 0; from < n; from += CHUNK) {
          int start = from;
          int end = Math.min(n, from + CHUNK);
          chunks.add(() -> step(wb, gb, mb, vb, start, end, stepSize, eps, scale));
        }
      }
      chunks.parallelStream().forEach(Runnable::run);
    } finally {
      grads.forEach(NDArray::close);
    }
  }

  private static FloatBuffer view(NDArray a) {
    return a.toByteBuffer(true).asFloatBuffer();
  }

  /** Elements a chunk of the host pass copies to the heap: four arrays of it stay in L1/L2. */
  private static final int TILE = 2048;

  private static final ThreadLocal<float[][]> TILES = ThreadLocal.withInitial(() -> new float[4][TILE]);
  private static final float[] ZEROS = new float[TILE];

  /**
   * Elements from..to: m ← β1·m + (1−β1)·s·g, v ← β2·v + (1−β2)·(s·g)², w ← w − a·m / (√v + ε′), g ← 0.
   * Tile by tile through heap arrays: HotSpot vectorises the arithmetic on arrays (square root and
   * division included) but not on direct buffers, where it ran at 6–7 cycles an element; the bulk
   * copies in and out are memcpy.
   */
  private static void step(FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to,
      float stepSize, float eps, float scale) {
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float c1 = 1 - b1;
    float c2 = 1 - b2;
    float[][] t = TILES.get();
    float[] wt = t[0];
    float[] gt = t[1];
    float[] mt = t[2];
    float[] vt = t[3];
    for (int start = from; start < to; start += TILE) {
      int n = Math.min(TILE, to - start);
      w.get(start, wt, 0, n);
      g.get(start, gt, 0, n);
      g.put(start, ZEROS, 0, n);
      m.get(start, mt, 0, n);
      v.get(start, vt, 0, n);
      for (int i = 0; i < n; i++) {
        float gi = gt[i] * scale;
        float mi = b1 * mt[i] + c1 * gi;
        float vi = b2 * vt[i] + c2 * gi * gi;
        mt[i] = mi;
        vt[i] = vi;
        wt[i] = wt[i] - stepSize * mi / ((float) Math.sqrt(vi) + eps);
      }
      w.put(start, wt, 0, n);
      m.put(start, mt, 0, n);
      v.put(start, vt, 0, n);
    }
  }

  /** Moment estimates for a checkpoint: "mean/&lt;path&gt;" and "var/&lt;path&gt;". */
  public Map<String, NDArray> state() {
    Map<String, NDArray> s = new LinkedHashMap<>();
    mean.forEach((k, v) -> s.put("mean/" + k, v));
    variance.forEach((k, v) -> s.put("var/" + k, v));
    return s;
  }

  /**
   * Restores moments and the step counter saved by {@link #state()}. Values are copied into the
   * moments' own memory (NDArray.set would make a new direct buffer the moment's storage, and direct
   * buffers count against the JVM's direct-memory limit), and {@code state} is read one entry at a
   * time, so a lazily loading map keeps memory bounded by the largest tensor.
   */
  public void restore(Map<String, float[]> state, long savedStep) {
    for (Map.Entry<String, NDArray> e : state().entrySet()) {
      float[] values = state.get(e.getKey());
      if (values == null) {
        throw new IllegalArgumentException("optimizer state has no entry " + e.getKey());
      }
      NDArray moment = e.getValue();
      if (values.length != moment.size()) {
        throw new IllegalArgumentException("optimizer state " + e.getKey() + " has " + values.length
            + " values, the parameter " + moment.size());
      }
      if (inHostMemory(moment)) {
        view(moment).put(values);
      } else {
        org.asr3m.nn.InPlaceCopy.copy(moment, values);
      }
    }
    this.step = savedStep;
  }

  /** Sets the step counter after the moments were restored in place (see Checkpoint.loadOptimizer). */
  void restoreStep(long savedStep) {
    this.step = savedStep;
  }
}
