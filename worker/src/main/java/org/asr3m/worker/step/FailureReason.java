package org.asr3m.worker.step;

import java.util.ArrayList;
import java.util.List;
import org.asr3m.io.InputException;

/**
 * The one-line reason stored for a failed stage: what a researcher reads in the UI. Input errors
 * keep their own message (it names the file, line or field); running out of memory says what ran
 * out and which setting to change (model-core's OutOfMemoryAdvice, as the CLI says it); anything
 * else gives the exception chain without stack frames (the full trace is in the stage log).
 */
public final class FailureReason {
  private FailureReason() {}

  public static String of(Throwable e) {
    var oom = org.asr3m.train.OutOfMemoryAdvice.of(e);
    if (oom.isPresent()) {
      return oom.get().message();
    }
    InputException input = org.asr3m.io.Causes.find(e, InputException.class);
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
}
