package org.asr3m.train;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.asr3m.nn.ParameterGate;

/**
 * Adam's host pass run beside the next training step instead of before it (the CPU optimiser of
 * ZeRO-Offload overlaps the same way). With fewer intra-op threads than cores, a core sits idle
 * while the next forward pass runs; here it writes the new parameter values, in the order that
 * forward pass reads them, and each layer waits only for its own parameters
 * ({@link ParameterGate}). A waiting reader runs queued pieces of the pass itself rather than idling,
 * so the pass never takes longer than run in the foreground. The values written are the same as
 * the foreground pass's (same arithmetic per element): only when they are written changes.
 *
 * <p>Everything else that reads parameters, gradients or moments — the next gradient norm (also of
 * parameters the forward pass did not use, such as experts no frame was routed to), checkpoints,
 * validation — first calls {@link #finish}.
 */
final class OverlappedUpdate {
  // one thread for every trainer of the JVM: the pass is bound by memory bandwidth, and readers help
  private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "asr3m-optimizer");
    t.setDaemon(true);
    return t;
  });

  private final ConcurrentLinkedQueue<Piece> queue = new ConcurrentLinkedQueue<>();
  private final List<Write> writes = new ArrayList<>();
  private final Runnable release;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger uses = new AtomicInteger();

  private record Piece(Write owner, Runnable work) {}

  /** One parameter's pieces; done once all of them ran. */
  private final class Write implements ParameterGate.Write {
    final Parameter parameter;
    final AtomicInteger left;
    final CountDownLatch done = new CountDownLatch(1);
    volatile int firstUse = -1;

    Write(Parameter parameter, int pieces) {
      this.parameter = parameter;
      this.left = new AtomicInteger(pieces);
    }

    @Override
    public void await() {
      if (firstUse < 0) {
        firstUse = uses.getAndIncrement();
      }
      awaitDone(this);
      throwIfFailed();
    }
  }

  /**
   * Starts the pass: {@code pieces.get(i)} write {@code order.get(i)}; until {@link #finish},
   * readers of those parameters wait for them.
   *
   * @param release frees what the pieces used (gradient handles), run by {@link #finish} once all ran
   */
  OverlappedUpdate(List<Parameter> order, List<List<Runnable>> pieces, Runnable release) {
    this.release = release;
    for (int i = 0; i < order.size(); i++) {
      Write w = new Write(order.get(i), pieces.get(i).size());
      writes.add(w);
      for (Runnable r : pieces.get(i)) {
        queue.add(new Piece(w, r));
      }
      if (pieces.get(i).isEmpty()) {
        w.done.countDown();
      }
      ParameterGate.open(w.parameter, w);
    }
    WORKER.execute(() -> {
      while (runOne()) {
        // the queue is shared with readers that help
      }
    });
  }

  /** Runs the next queued piece; false when none is left (the last ones may still be running). */
  private boolean runOne() {
    Piece p = queue.poll();
    if (p == null) {
      return false;
    }
    try {
      if (failure.get() == null) {
        p.work().run();
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      if (p.owner().left.decrementAndGet() == 0) {
        p.owner().done.countDown();
      }
    }
    return true;
  }

  private void awaitDone(Write w) {
    boolean interrupted = false;
    while (w.done.getCount() > 0) {
      if (!runOne()) {
        try {
          w.done.await();
        } catch (InterruptedException e) {
          interrupted = true; // a half-written parameter must not be read: finish waiting, then re-raise
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void throwIfFailed() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("the optimiser's update failed: " + t, t);
    }
  }

  /**
   * Completes the pass (helping with what is left), releases what it used and lifts the
   * gate. Returns the parameters the forward pass read while it ran, in the order it first read
   * them: the next pass writes them in that order.
   */
  List<Parameter> finish() {
    // after a failure the remaining pieces are skipped but still counted, so this returns too
    for (Write w : writes) {
      awaitDone(w);
    }
    writes.forEach(w -> ParameterGate.close(w.parameter));
    release.run();
    throwIfFailed();
    return writes.stream().filter(w -> w.firstUse >= 0).sorted(Comparator.comparingInt(w -> w.firstUse))
        .map(w -> w.parameter).toList();
  }
}
