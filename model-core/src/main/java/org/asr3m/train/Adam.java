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
  private final Map<Parameter, String> paths = new java.util.IdentityHashMap<>();
  private final Map<Parameter, Views> views = new java.util.IdentityHashMap<>();
  private final Map<String, NDArray> mean = new LinkedHashMap<>();
  private final Map<String, NDArray> variance = new LinkedHashMap<>();
  private long step;
  private boolean hostPass = true;
  private long hostSteps;
  private long overlappedSteps;
  private boolean overlap;
  private OverlappedUpdate inFlight;
  /** The parameters the last forward pass read during an overlapped update, in the order it read them. */
  private List<Parameter> readOrder = List.of();

  /** @param params trainable parameters by path; the moment arrays live in {@code manager} */
  public Adam(Map<String, Parameter> params, NDManager manager) {
    this.params = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      if (e.getValue().requiresGradient()) {
        NDArray w = e.getValue().getArray();
        this.params.put(e.getKey(), e.getValue());
        paths.put(e.getValue(), e.getKey());
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
   * With {@code on}, the host pass of each update runs beside the next training step
   * ({@link OverlappedUpdate}) instead of before {@link #update} returns; callers then
   * {@link #settle} before reading gradients, moments or parameters other than through a forward
   * pass. Worth it when the step leaves a core idle ({@link #spareCore}).
   */
  public Adam overlapWithNextStep(boolean on) {
    settle();
    overlap = on;
    return this;
  }

  /** True when libtorch runs fewer intra-op threads than there are cores: a step leaves a core idle. */
  public static boolean spareCore() {
    return ai.djl.pytorch.jni.JniUtils.getNumThreads() < Runtime.getRuntime().availableProcessors();
  }

  /**
   * Finishes an overlapped update still in flight (a no-op otherwise): afterwards every parameter,
   * moment and gradient holds its value after the last {@link #update}.
   */
  public void settle() {
    if (inFlight != null) {
      OverlappedUpdate u = inFlight;
      inFlight = null;
      readOrder = u.finish();
    }
  }

  /**
   * The joint L2 norm of all gradients ({@link GradientClipping#norm}), after any update still in
   * flight: with overlapped updates the norm must not read a gradient the update is still zeroing
   * (a parameter the forward pass did not read, such as an expert no frame was routed to). When
   * updates overlap (a step leaves a core idle), the per-tensor norms use that core too.
   */
  public double gradientNorm() {
    settle();
    return GradientClipping.norm(params.values(), overlap);
  }

  private boolean inHostMemory() {
    return params.values().stream().allMatch(p -> inHostMemory(p.getArray()));
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
   * <p>Leaves every gradient zero, ready for the next backward pass (torch's step then zero_grad;
   * with {@link #overlapWithNextStep} the zeros, like the new values, are there once the forward
   * pass reads the parameter, or after {@link #settle}):
   * the host pass writes the zeros while each gradient tile is in cache, which saves a separate
   * write pass over all of them; a caller that skips the update zeroes them itself.
   */
  public void update(double lr, double gradScale) {
    settle();
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = Math.sqrt(1 - Math.pow(BETA2, step));
    float stepSize = (float) (lr * c2 / c1);
    float eps = (float) (EPS * c2);
    if (hostPass && inHostMemory()) {
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

  /** Updates whose host pass ran beside the next step. */
  long overlappedSteps() {
    return overlappedSteps;
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

  /**
   * The whole update in one pass per element, in chunks: run on all cores now, or handed to an
   * {@link OverlappedUpdate} in the order the last forward pass read the parameters.
   */
  private void hostUpdate(float stepSize, float eps, float scale) {
    List<Parameter> order = writeOrder();
    List<Gradient> grads = new ArrayList<>(order.size());
    List<List<Runnable>> pieces = new ArrayList<>(order.size());
    for (Parameter p : order) {
      Views h = views(p);
      Gradient g = new Gradient(h.weight());
      grads.add(g);
      int n = h.w().capacity();
      List<Runnable> chunks = new ArrayList<>();
      for (int from = 0; from < n; from += CHUNK) {
        int start = from;
        int end = Math.min(n, from + CHUNK);
        chunks.add(() -> step(h.w(), g.buffer(), h.m(), h.v(), start, end, stepSize, eps, scale));
      }
      pieces.add(chunks);
    }
    Runnable release = () -> grads.forEach(Gradient::close);
    if (overlap) {
      inFlight = new OverlappedUpdate(order, pieces, release);
      overlappedSteps++;
      return;
    }
    try {
      pieces.stream().flatMap(List::stream).toList().parallelStream().forEach(Runnable::run);
    } finally {
      release.run();
    }
  }

  /**
   * Host views of a parameter and its moments, valid while the parameter keeps the same array:
   * everything here writes tensors in place ({@link org.asr3m.nn.InPlaceCopy}) except for scalars,
   * whose views are therefore not kept.
   */
  private record Views(NDArray weight, FloatBuffer w, FloatBuffer m, FloatBuffer v) {}

  // 1,311 tensors at 64 experts: taking four views of each every step cost ~15 ms a step
  private Views views(Parameter p) {
    NDArray w = p.getArray();
    Views h = views.get(p);
    if (h == null || h.weight() != w || w.getShape().dimension() == 0) {
      h = new Views(w, view(w), view(mean.get(paths.get(p))), view(variance.get(paths.get(p))));
      views.put(p, h);
    }
    return h;
  }

  /**
   * A parameter's gradient for one pass. getGradient() hands out a new native handle each call, so
   * the handle is taken once, by the first piece of the pass that runs (on whichever thread: an
   * overlapped pass takes it off the training thread), and closed after the pass.
   */
  private static final class Gradient {
    private final NDArray weight;
    private NDArray handle;
    private FloatBuffer buffer;

    Gradient(NDArray weight) {
      this.weight = weight;
    }

    synchronized FloatBuffer buffer() {
      if (buffer == null) {
        handle = weight.getGradient();
        buffer = view(handle);
      }
      return buffer;
    }

    synchronized void close() {
      if (handle != null) {
        handle.close();
      }
    }
  }

  /** The parameters the last forward pass read first, in its order; the others after, as registered. */
  private List<Parameter> writeOrder() {
    List<Parameter> order = new ArrayList<>(readOrder);
    java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    seen.addAll(readOrder);
    for (Parameter p : params.values()) {
      if (!seen.contains(p)) {
        order.add(p);
      }
    }
    return order;
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
    settle();
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
    settle();
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
