package org.asr3m.nn;

import ai.djl.nn.Parameter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parameters whose new values an optimiser update is still writing while the next forward pass
 * runs (Adam's overlapped host pass, {@code org.asr3m.train.OverlappedUpdate}). Every layer reads
 * its parameters through {@link Layer#value}, which passes here first: a parameter still in flight
 * is waited for, so a forward pass always sees the values of the finished update.
 */
public final class ParameterGate {
  private ParameterGate() {}

  /** A parameter's write in flight. */
  public interface Write {
    /** Returns once the parameter holds its new value. */
    void await();
  }

  // Parameter keeps Object's identity equality
  private static final Map<Parameter, Write> PENDING = new ConcurrentHashMap<>();

  /** Waits until {@code p} holds its updated value (immediate when no update is in flight). */
  public static void await(Parameter p) {
    if (PENDING.isEmpty()) {
      return;
    }
    Write w = PENDING.get(p);
    if (w != null) {
      w.await();
    }
  }

  /** From now until {@link #close}, readers of {@code p} wait for {@code w}. */
  public static void open(Parameter p, Write w) {
    PENDING.put(p, w);
  }

  public static void close(Parameter p) {
    PENDING.remove(p);
  }
}
