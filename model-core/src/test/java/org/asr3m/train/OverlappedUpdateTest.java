package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.asr3m.nn.ParameterGate;
import org.junit.jupiter.api.Test;

/** The gate between an update written in the background and the forward pass reading parameters. */
class OverlappedUpdateTest {
  private static Parameter param(String name) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
  }

  /** A reader of a parameter returns only once all of its pieces ran, whoever ran them. */
  @Test
  void readersWaitForTheirParameter() {
    Parameter a = param("a");
    Parameter b = param("b");
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<List<Runnable>> pieces = List.of(
        List.of(() -> ran.add("a0"), () -> ran.add("a1")),
        List.of(() -> ran.add("b0"), () -> ran.add("b1"), () -> ran.add("b2")));
    AtomicBoolean released = new AtomicBoolean();
    OverlappedUpdate u = new OverlappedUpdate(List.of(a, b), pieces, () -> released.set(true));
    ParameterGate.await(b);
    assertThat(ran).contains("b0", "b1", "b2");
    assertThat(released).isFalse();
    u.finish();
    assertThat(ran).containsExactlyInAnyOrder("a0", "a1", "b0", "b1", "b2");
    assertThat(released).isTrue();
  }

  /**
   * While the background thread is busy with one parameter, a reader of another runs that
   * parameter's pieces itself instead of idling behind it.
   */
  @Test
  void aReaderHelpsInsteadOfWaitingBehindOtherParameters() throws Exception {
    Parameter slow = param("slow");
    Parameter next = param("next");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> ranNext = Collections.synchronizedList(new ArrayList<>());
    Runnable blocking = () -> {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    OverlappedUpdate u = new OverlappedUpdate(List.of(slow, next),
        List.of(List.of(blocking), List.of(() -> ranNext.add(Thread.currentThread()))), () -> {});
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue(); // the background thread holds the slow piece
    ParameterGate.await(next); // returns although the slow piece is still running
    assertThat(ranNext).containsExactly(Thread.currentThread());
    release.countDown();
    u.finish();
  }

  /** A layer's forward pass reads its weight through the gate: it sees the value written late. */
  @Test
  void aLayerReadsTheWeightTheUpdateIsStillWriting() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      org.asr3m.nn.Dense dense = new org.asr3m.nn.Dense(2, 1, false);
      dense.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 2));
      Parameter w = dense.getParameters().get("weight");
      org.asr3m.nn.InPlaceCopy.copy(w.getArray(), new float[] {1f, 1f});
      OverlappedUpdate u = new OverlappedUpdate(List.of(w), List.of(List.of(() -> {
        try {
          Thread.sleep(300); // the forward pass below starts long before this write
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        w.getArray().toByteBuffer(true).asFloatBuffer().put(new float[] {2f, 3f});
      })), () -> {});
      var x = m.create(new float[] {1f, 1f}, new ai.djl.ndarray.types.Shape(1, 2));
      float y = dense.forward(new ai.djl.training.ParameterStore(m, false), x, false).getFloat(0, 0);
      u.finish();
      assertThat(y).isEqualTo(5f);
    }
  }

  /** The next pass writes parameters in the order the forward pass first read them. */
  @Test
  void finishReportsTheOrderTheParametersWereRead() {
    Parameter a = param("a");
    Parameter b = param("b");
    Parameter c = param("c");
    OverlappedUpdate u = new OverlappedUpdate(List.of(a, b, c),
        List.of(List.of(() -> {}), List.of(() -> {}), List.of(() -> {})), () -> {});
    ParameterGate.await(c);
    ParameterGate.await(a);
    ParameterGate.await(c);
    assertThat(u.finish()).containsExactly(c, a); // b was not read
  }

  /** A failing piece surfaces at finish, after the pass released what it used and lifted the gate. */
  @Test
  void aFailureIsReportedAndTheGateLifted() {
    Parameter a = param("a");
    AtomicBoolean released = new AtomicBoolean();
    OverlappedUpdate u = new OverlappedUpdate(List.of(a), List.of(List.of(() -> {
      throw new IllegalArgumentException("bad tile");
    }, () -> {})), () -> released.set(true));
    assertThatThrownBy(u::finish).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("optimiser's update failed").hasMessageContaining("bad tile");
    assertThat(released).isTrue();
    ParameterGate.await(a); // no longer gated: returns at once
  }
}
