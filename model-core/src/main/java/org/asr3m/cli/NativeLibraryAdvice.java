package org.asr3m.cli;

import java.util.Optional;

/**
 * What to do when PyTorch's native libraries cannot be loaded: typically a `-Pcuda` build (which
 * ships no natives, see README "GPU builds") started with DJL's downloads turned off.
 */
final class NativeLibraryAdvice {
  static final String MESSAGE = "PyTorch's native libraries could not be loaded (%s). This build has none"
      + " inside (built with -Pcuda?). Either let DJL fetch libtorch 2.7.1 for your CUDA once, on a machine"
      + " with network access: java -Dai.djl.offline=false -jar asr3m.jar ... (it caches them in"
      + " ~/.djl.ai/pytorch; set PYTORCH_FLAVOR=cu128 if it does not detect CUDA 12.8; copy that directory to"
      + " offline machines); or unpack PyTorch's libtorch 2.7.1+cu128 (cxx11 ABI) and set"
      + " PYTORCH_LIBRARY_PATH=<libtorch>/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128; or build without"
      + " -Pcuda for the CPU natives.";

  private NativeLibraryAdvice() {}

  static Optional<String> of(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      // EngineException also carries every failed tensor operation: only loading failures qualify
      boolean loading = m.contains("native librar") || m.contains("offline") || m.contains("pytorch index")
          || m.contains("no deep learning engine") || m.contains("jni");
      if (t instanceof UnsatisfiedLinkError || (t instanceof ai.djl.engine.EngineException && loading)) {
        return Optional.of(String.format(MESSAGE, rootMessage(e)));
      }
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }
}
