package org.asr3m.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns libtorch's NNPACK convolutions off before the first convolution, as
 * {@code torch.backends.nnpack.set_flags(False)} does in Python.
 *
 * <p>Why: libtorch initialises NNPACK the first time it considers it for a convolution that oneDNN
 * declined (a small one: one utterance), and on a CPU where NNPACK cannot start it prints "Could not
 * initialize NNPACK! Reason: Unsupported hardware." on stderr, in the middle of training output. It
 * would not even use NNPACK there (only for float batches of 16 or more, which oneDNN takes first);
 * the availability check just comes before that condition. With the user switch off, checked before
 * anything else, the question is never asked. DJL wraps no such switch, so
 * {@code at::globalContext().setUserEnabledNNPACK(false)} is called through JNA (already on DJL's class
 * path) by its exported symbols. Where they are not found (a libtorch with other name mangling, e.g.
 * Windows) nothing changes but the warning.
 */
public final class NnpackSwitch {
  /** at::globalContext() and at::Context::setUserEnabledNNPACK(bool), Itanium C++ ABI (Linux, macOS). */
  static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
  /** {@code -Dasr3m.nnpack=true} keeps libtorch's default (NNPACK on where it initialises). */
  public static final String PROPERTY = "asr3m.nnpack";

  private NnpackSwitch() {}

  /** Turns NNPACK off once per process (later calls are free); whether it is off. */
  public static boolean ensureOff() {
    return Holder.OFF;
  }

  /** Initialised on first use: the JVM runs {@link #turnOff} exactly once, thread-safely. */
  private static final class Holder {
    static final boolean OFF = turnOff();
  }

  private static boolean turnOff() {
    if (Boolean.getBoolean(PROPERTY)) {
      return false;
    }
    try {
      Engine.getInstance(); // loads libtorch
      Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
      // the library is loaded already: opening it again returns the same one
      NativeLibrary torch = NativeLibrary.getInstance(Files.exists(lib) ? lib.toString() : "torch_cpu");
      Pointer context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
      Function set = torch.getFunction(SET_NNPACK);
      set.invokeVoid(new Object[] {context, Boolean.FALSE});
      return true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false; // not this libtorch's symbols: only the warning remains
    }
  }
}
