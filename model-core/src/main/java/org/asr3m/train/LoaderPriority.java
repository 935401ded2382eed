package org.asr3m.train;

import com.sun.jna.NativeLibrary;

/**
 * Runs the data loader's threads at a lower scheduling priority than the trainer (a higher nice
 * value, Linux threads being scheduled one by one), so that when the cores are all taken the
 * trainer's threads get them first.
 *
 * <p>Why: libtorch splits each operator over its OpenMP threads, one per core, and every operator
 * ends at a barrier. A loader thread that holds a core when an operator starts makes all the other
 * OpenMP threads wait at that barrier until the kernel gives the descheduled one a time slice back,
 * so the loader cost the train step more than its share of the CPU. {@link #DEFAULT_NICE} nice levels
 * below the trainer (capped at 19) the loader yields to a waking trainer thread and runs in the gaps
 * (serial parts of the step, the Java side, the optimizer); the prefetch queue absorbs the
 * difference as long as the loader keeps up on average. Measured with {@code asr3m bench data} on the
 * tiny recipe (2 cores, 8 alternating pairs, noisy): the fed step +8.0 % slower than on pre-loaded
 * batches on average, against +17.9 % at the same priority. {@code -Dasr3m.loader-nice=N} sets the
 * increment, 0 keeps the loader at the trainer's priority. Where setpriority is missing (not Linux)
 * nothing changes.
 */
final class LoaderPriority {
  static final String PROPERTY = "asr3m.loader-nice";
  static final int DEFAULT_NICE = 19;
  private static final int PRIO_PROCESS = 0; // with a thread id: that thread alone (Linux)

  private LoaderPriority() {}

  /**
   * The nice value loader threads started for the calling (trainer) thread should run at: the
   * caller's plus the configured increment (at most 19), or {@code null} when the loader is to keep
   * its priority. Taken once, on the trainer's thread: threads inherit their creator's nice value,
   * and the loader pool's threads are created by the planning thread, itself a loader thread.
   */
  static Integer targetForCurrentThread() {
    int nice = increment();
    if (nice == 0) {
      return null;
    }
    try {
      NativeLibrary c = NativeLibrary.getInstance("c");
      return Math.min(19, c.getFunction("getpriority").invokeInt(new Object[] {PRIO_PROCESS, tid(c)}) + nice);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // no getpriority (not Linux): the loader keeps its priority
    }
  }

  /** The configured increment: {@code -Dasr3m.loader-nice}, a whole number >= 0, or the default. */
  static int increment() {
    String value = System.getProperty(PROPERTY);
    if (value == null) {
      return DEFAULT_NICE;
    }
    try {
      int nice = Integer.parseInt(value.trim());
      if (nice >= 0) {
        return nice;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + PROPERTY + ": must be a whole number of nice levels >= 0 (0 keeps"
        + " the data loader at the trainer's priority), got '" + value + "'");
  }

  /** The calling thread's kernel id, which setpriority and getpriority take for one thread. */
  private static int tid(NativeLibrary c) {
    return c.getFunction("gettid").invokeInt(new Object[0]);
  }

  /** Sets the calling thread's nice value to {@code target} (nothing when null); whether it was set. */
  static boolean setCurrentThread(Integer target) {
    if (target == null) {
      return false;
    }
    try {
      NativeLibrary c = NativeLibrary.getInstance("c");
      return c.getFunction("setpriority").invokeInt(new Object[] {PRIO_PROCESS, tid(c), target}) == 0;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false;
    }
  }

  /** {@code task}, run after setting the thread's nice value to {@code target}: for thread factories. */
  static Runnable at(Integer target, Runnable task) {
    return () -> {
      setCurrentThread(target);
      task.run();
    };
  }
}
