package org.asr3m.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The engine's intra-op thread count for the length of a benchmark, restored on close, so a
 * benchmark run in the same JVM as other commands (tests) leaves the setting as it found it.
 */
final class EngineThreads implements AutoCloseable {
  private final int before;
  private final int used;

  private EngineThreads(int before, int used) {
    this.before = before;
    this.used = used;
  }

  /** Sets {@code threads} intra-op threads (0 keeps the engine's own). */
  static EngineThreads set(int threads) {
    Engine.getInstance(); // loads the natives that the thread settings call into
    int before = JniUtils.getNumThreads();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    return new EngineThreads(before, JniUtils.getNumThreads());
  }

  /** The intra-op threads in effect. */
  int used() {
    return used;
  }

  @Override
  public void close() {
    JniUtils.setNumThreads(before);
  }
}
