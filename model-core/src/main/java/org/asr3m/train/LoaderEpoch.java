package org.asr3m.train;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The loader side of one epoch: a planning thread decides the batches in order and hands each batch's
 * work (decoding, augmentation, fbank, padding) to a pool of loader threads; the futures go into a
 * queue of {@code prefetch} places, so at most that many batches are built ahead of the trainer, and
 * the trainer receives them in planning order whichever thread finished first.
 */
public final class LoaderEpoch implements EpochBatches {
  /** What the planning thread runs: it submits batches, and may submit other work to the same pool. */
  @FunctionalInterface
  public interface Planner {
    void plan(LoaderEpoch epoch) throws Exception;
  }

  private static final Future<PaddedBatch> END = CompletableFuture.completedFuture(null);
  private static final AtomicInteger EPOCHS = new AtomicInteger();

  private final BlockingQueue<Future<PaddedBatch>> queue;
  private final ExecutorService pool;
  private final Thread planner;
  private final int size;
  private final Supplier<DataSummary> summary;
  private volatile boolean closed;
  private boolean ended;

  /**
   * @param threads loader threads
   * @param prefetch batches built ahead of the trainer at most
   * @param size batches in the epoch, or -1 when unknown
   */
  public LoaderEpoch(String name, int threads, int prefetch, int size, Supplier<DataSummary> summary, Planner plan) {
    int id = EPOCHS.incrementAndGet();
    this.queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
    this.size = size;
    this.summary = summary;
    AtomicInteger n = new AtomicInteger();
    Integer nice = LoaderPriority.targetForCurrentThread(); // below the trainer's, which is this thread
    ThreadFactory daemons = r -> {
      Thread t = new Thread(LoaderPriority.at(nice, r), name + "-" + id + "-loader-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(Math.max(1, threads), daemons);
    this.planner = new Thread(() -> {
      LoaderPriority.setCurrentThread(nice);
      try {
        plan.plan(this);
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        if (!closed) {
          try {
            queue.put(CompletableFuture.failedFuture(e));
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }, name + "-" + id + "-planner");
    planner.setDaemon(true);
    planner.start();
  }

  /** Queues a batch to be built on a loader thread (blocks while {@code prefetch} batches are pending). */
  public void emit(Callable<PaddedBatch> build) throws InterruptedException {
    queue.put(pool.submit(build));
  }

  /** Runs other work (e.g. decoding to learn lengths) on the loader threads. */
  public <T> Future<T> submit(Callable<T> work) {
    return pool.submit(work);
  }

  @Override
  public PaddedBatch next() {
    if (ended) {
      return null;
    }
    try {
      PaddedBatch b = queue.take().get();
      if (b == null) {
        ended = true;
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the data loader", e);
    } catch (ExecutionException e) {
      ended = true;
      throw rethrow(e.getCause());
    }
  }

  /** The failure of a loader or of the planner, as thrown there (an InputException stays one). */
  static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof ExecutionException ee && ee.getCause() != null) {
      return rethrow(ee.getCause());
    }
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IllegalStateException("data loader failed: " + cause, cause);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public DataSummary summary() {
    return summary.get();
  }

  @Override
  public void close() {
    closed = true;
    planner.interrupt();
    pool.shutdownNow();
    queue.clear();
  }
}
