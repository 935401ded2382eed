package org.asr3m.worker.step;

import java.util.ArrayList;
import java.util.List;
import org.asr3m.io.InputException;

/**
 * The one-line reason stored for a failed stage: what a researcher reads in the UI. Input errors
 * keep their own message (it names the file, line or field); running out of memory says what ran
 * out and which setting to change; anything else gives the exception chain without stack frames
 * (the full trace is in the stage log).
 */
public final class FailureReason {
  private FailureReason() {}

  public static String of(Throwable e) {
    Throwable oom = find(e, OutOfMemoryError.class);
    if (oom != null) {
      return "out of Java heap memory (" + oom.getMessage() + "): give the worker more heap (-Xmx) or lower"
          + " dataset_conf.batch_conf.max_frames_in_batch";
    }
    String native_ = nativeOom(e);
    if (native_ != null) {
      return "out of native (PyTorch) memory: " + native_ + "; lower dataset_conf.batch_conf.max_frames_in_batch"
          + " or use a device with more memory";
    }
    InputException input = find(e, InputException.class);
    if (input != null) {
      return "bad input: " + input.getMessage();
    }
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
      String m = t.getMessage();
      String name = t.getClass().getSimpleName();
      parts.add(m == null || m.isBlank() ? name : (t instanceof IllegalArgumentException || t instanceof IllegalStateException
          ? m : name + ": " + m));
      if (t.getCause() == t) {
        break;
      }
    }
    return String.join(" <- ", parts);
  }

  private static String nativeOom(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("DefaultCPUAllocator") || m.contains("CUDA out of memory")
          || m.contains("not enough memory"))) {
        return m.lines().findFirst().orElse(m);
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
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
