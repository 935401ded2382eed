package org.asr3m.io;

/** Looking through an exception's cause chain. */
public final class Causes {
  private Causes() {}

  /** The first throwable in {@code e}'s cause chain (itself included) of {@code type}, or null. */
  public static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
