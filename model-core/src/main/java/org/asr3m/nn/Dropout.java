package org.asr3m.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * Dropout while training (torch.nn.functional.dropout): each element is kept with probability
 * 1 − rate and scaled by 1 / (1 − rate), or zeroed.
 *
 * <p>Why not the engine's: libtorch 2.7 draws a CPU dropout mask through MKL's vector generator
 * only when the CPU is Intel's (a cpuinfo vendor check in its bernoulli_ kernel); on any other CPU
 * it draws element by element from its Mersenne Twister, on one thread: 7.7 ns an element on an AMD
 * EPYC, 87 ms of a 0.48 s Conformer-MoE training step. There, a float32 activation in host memory
 * gets its mask from a counter-based generator (SplittableRandom's mixing function over
 * seed + index, two elements per 64-bit value) written straight into a libtorch tensor, and is
 * multiplied by it: autograd's backward is the same product as for the engine's dropout. The seed
 * is one draw from libtorch's generator per call, so {@code Engine.setRandomSeed} keeps runs
 * reproducible (and a resumed run exact). The masks differ from libtorch's, with the same
 * distribution. On Intel CPUs, other devices and other types the engine's dropout runs;
 * {@code -Dasr3m.dropout=engine} makes it run everywhere.
 */
public final class Dropout {
  public static final String PROPERTY = "asr3m.dropout";
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int TILE = 2048; // even: the two elements of a 64-bit value share a tile
  private static final ThreadLocal<float[]> TILES = ThreadLocal.withInitial(() -> new float[TILE]);

  private Dropout() {}

  /** {@code x} with dropout at {@code rate} (training only: callers skip it at inference). */
  public static NDArray apply(NDArray x, float rate) {
    // the switch is read here, not in a static initialiser, so a wrong value is a plain error message
    boolean engineOnly = OptOutProperty.isSet(PROPERTY, "engine", "use the engine's dropout everywhere",
        "draw CPU masks here unless the CPU is Intel's");
    if (engineOnly || Host.INTEL || !(x instanceof ai.djl.pytorch.engine.PtNDArray)
        || !x.getDevice().getDeviceType().equals(Device.Type.CPU) || x.getDataType() != DataType.FLOAT32
        || x.size() >= Integer.MAX_VALUE / 4 || rate <= 0 || rate >= 1) {
      return ai.djl.nn.norm.Dropout.dropout(x, rate, true).head();
    }
    NDManager m = x.getManager();
    long seed;
    try (NDArray draw = m.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
      seed = draw.getLong();
    }
    try (NDArray mask = m.create(x.getShape(), DataType.FLOAT32)) {
      fill(mask.toByteBuffer(true).asFloatBuffer(), Math.toIntExact(x.size()), seed, 1 - rate);
      return x.mul(mask); // autograd keeps its own reference to the mask for the backward pass
    }
  }

  /**
   * Writes n mask values: element i keeps (1 / keep) when its 24 random bits fall below
   * keep · 2^24, else 0. The bits of elements 2j and 2j + 1 are the top and next 24 bits of
   * mix(seed + (j + 1)·φ), so the mask depends only on the seed, not on how it is computed.
   */
  static void fill(FloatBuffer out, int n, long seed, float keep) {
    long threshold = Math.round(keep * (double) (1L << 24));
    float scale = 1 / keep;
    float[] t = TILES.get();
    for (int start = 0; start < n; start += TILE) {
      int len = Math.min(TILE, n - start);
      long base = seed + (long) (start / 2) * GOLDEN;
      for (int i = 0; i < len; i += 2) {
        long z = base + (i / 2 + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        t[i] = (z >>> 40) < threshold ? scale : 0f;
        if (i + 1 < len) {
          t[i + 1] = ((z >>> 16) & 0xFFFFFF) < threshold ? scale : 0f;
        }
      }
      out.put(start, t, 0, len);
    }
  }

  /**
   * Whether the CPU is Intel's, where libtorch's own masks are fast. Without /proc/cpuinfo (not
   * Linux) the vendor is unknown and masks are drawn here.
   */
  private static final class Host {
    static final boolean INTEL = "GenuineIntel".equals(MklDispatch.cpuVendor());
  }
}
