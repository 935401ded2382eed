package org.asr3m.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

final class Futures {
  private Futures() {}

  /** Waits for a task and rethrows its own exception (an input error stays an input error). */
  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
