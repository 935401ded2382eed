package org.asr3m.loss;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs per-utterance host work on at most as many threads as the PyTorch engine's intra-op pool
 * (so "1 thread" means one thread for the whole step, as it does for the peer), in a pool kept for
 * the process (its worker threads are daemons and idle ones exit).
 */
final class UtteranceParallel {
  private static ForkJoinPool pool;
  private static int poolThreads;

  private UtteranceParallel() {}

  static void forEach(int n, IntConsumer body) {
    int threads = engineThreads();
    if (threads <= 1 || n <= 1) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    try {
      pool(threads).submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static synchronized ForkJoinPool pool(int threads) {
    if (pool == null || poolThreads != threads) {
      if (pool != null) {
        pool.shutdown();
      }
      pool = new ForkJoinPool(threads);
      poolThreads = threads;
    }
    return pool;
  }

  private static int engineThreads() {
    try {
      return Math.max(1, ai.djl.pytorch.jni.JniUtils.getNumThreads());
    } catch (RuntimeException | LinkageError e) {
      return 1; // not the PyTorch engine
    }
  }
}
