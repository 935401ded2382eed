package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Backward passes on several threads at once: what two runs training in one worker need. */
class AutogradTest {

  /** d/dw sum((w * x)^2) = 2 w x^2, computed while another thread holds its own recording open. */
  private static float[] gradient(float scale, CyclicBarrier together) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1, 2, 3}).mul(scale);
      w.setRequiresGradient(true);
      NDArray x = m.create(new float[] {0.5f, -1, 2});
      try (Autograd autograd = Autograd.record()) {
        together.await(10, TimeUnit.SECONDS); // both threads are recording now
        NDArray y = w.mul(x);
        autograd.backward(y.mul(y).sum());
      }
      return w.getGradient().toFloatArray();
    }
  }

  @Test
  void twoThreadsRecordAtTheSameTime() throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> a = pool.submit(() -> gradient(1, together));
      Future<float[]> b = pool.submit(() -> gradient(2, together));
      // 2 w x^2 with w = scale * (1, 2, 3), x = (0.5, -1, 2)
      assertThat(a.get(30, TimeUnit.SECONDS)).containsExactly(0.5f, 4f, 24f);
      assertThat(b.get(30, TimeUnit.SECONDS)).containsExactly(1f, 8f, 48f);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void restoresTheThreadsGradModeAndRecordsNothingAfterClose() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.ones(new Shape(2));
      w.setRequiresGradient(true);
      try (Autograd autograd = Autograd.record()) {
        autograd.backward(w.mul(3).sum());
      }
      assertThat(w.getGradient().toFloatArray()).containsExactly(3f, 3f);
      NDArray outside = w.mul(5);
      assertThat(outside.hasGradient()).isFalse();
      assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).isFalse();
    }
  }
}
