package org.asr3m.nn;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Keeps the memory of libtorch's freed CPU tensors for the next ones instead of handing it back to
 * the kernel, once per process.
 *
 * <p>Why: libtorch allocates CPU tensors with glibc's malloc, which serves every request above its
 * mmap threshold (at most 32 MB, adjusted on the fly) with a new mapping and unmaps it on free. The
 * encoder front-end's activations are larger than that (8 × 500 frames: 44.7 MB each for the output
 * of the first subsampling convolution, its ReLU and their gradients), so every training step mapped
 * them anew and the kernel zeroed each 4 KB page on first touch. Below the threshold, glibc hands the
 * free top of a thread's heap back to the kernel once it passes the trim threshold (128 KB by
 * default), with the same cost when the next step touches it again. A fixed mmap threshold of
 * {@link #MMAP_THRESHOLD} and a trim threshold of {@link #TRIM_THRESHOLD} bytes make the step's
 * activations ordinary heap blocks that later steps reuse: the tiny train step (8 × 500 frames, one
 * thread) took 0.44-0.47 s instead of 0.54-0.56 s, alternating runs of one session (the mmap
 * threshold alone: 0.52-0.53 s). PyTorch in Python gains as much from the same glibc settings. The
 * price is resident memory: freed blocks stay with the process between steps (the tiny step: about
 * 250 MB more) and the heap fragments a little, so the peak grows too (the tiny step's 8 steps:
 * 1.03 GB against 0.91 GB).
 *
 * <p>{@code -Dasr3m.native-heap=default} (or {@code MALLOC_MMAP_THRESHOLD_} or
 * {@code MALLOC_TRIM_THRESHOLD_} in the environment, which glibc read at start) leaves glibc's
 * settings as they are. Nothing happens where glibc is not the C library (no mallopt: musl, macOS).
 */
public final class NativeHeap {
  /** Bytes: requests below this come from the heap. glibc accepts at most 2^31 - 1 here (an int). */
  public static final int MMAP_THRESHOLD = 256 << 20;
  /** Bytes: free memory at the top of a heap is given back only beyond this. */
  public static final int TRIM_THRESHOLD = 512 << 20;
  /** glibc's mallopt parameter numbers (malloc.h). */
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;
  public static final String PROPERTY = "asr3m.native-heap";

  private NativeHeap() {}

  /**
   * Sets both thresholds once per process (later calls are free); whether this class set them.
   *
   * @throws IllegalArgumentException if {@code -Dasr3m.native-heap} is set to anything but {@code default}
   */
  public static boolean ensureTuned() {
    OptOutProperty.isSet(PROPERTY, "default", "keep glibc's heap settings", "have them tuned");
    return Holder.TUNED;
  }

  private static final class Holder {
    static final boolean TUNED = tune();
  }

  private static boolean tune() {
    if (System.getProperty(PROPERTY) != null || System.getenv("MALLOC_MMAP_THRESHOLD_") != null
        || System.getenv("MALLOC_TRIM_THRESHOLD_") != null) {
      return false;
    }
    try {
      Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
      return mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
          & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false; // not glibc: its own allocator's behaviour stays
    }
  }
}
