package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.ParameterStore;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch's "Could not initialize NNPACK! Reason: Unsupported hardware." is native output on stderr,
 * so only a child process shows whether it is printed. NNPACK starts on this machine's CPU, so the
 * test makes it fail the way it fails on unsupported CPUs: a preloaded {@code nnp_initialize} that
 * answers "unsupported hardware" (built with the C compiler when there is one).
 */
class NnpackSwitchTest {
  private static final String WARNING = "Could not initialize NNPACK";

  @TempDir
  Path tmp;

  /**
   * Entry point of the child JVM: small 2-D and 1-D convolutions of one utterance (oneDNN declines
   * them, so libtorch considers NNPACK) through the project's {@link Conv}; then libtorch's own flag.
   */
  public static void main(String[] args) {
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      Conv c2 = new Conv(2, 1, 2, 3, 1, 1, 1, true);
      c2.initialize(m, DataType.FLOAT32, new Shape(1, 1, 20, 20));
      NDArray y = c2.forward(ps, m.randomNormal(new Shape(1, 1, 20, 20)), false);
      Conv c1 = new Conv(1, 4, 4, 1, 1, 0, 1, true);
      c1.initialize(m, DataType.FLOAT32, new Shape(1, 4, 30));
      NDArray z = c1.forward(ps, m.randomNormal(new Shape(1, 4, 30)), false);
      System.out.println(y.getShape() + " " + z.getShape() + " libtorch NNPACK flag: " + libtorchFlag());
    }
  }

  /** at::globalContext().userEnabledNNPACK(), read through the same exported symbols. */
  private static boolean libtorchFlag() {
    NativeLibrary torch = NativeLibrary.getInstance(
        Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu")).toString());
    Pointer context = torch.getFunction(NnpackSwitch.GLOBAL_CONTEXT).invokePointer(new Object[0]);
    return (torch.getFunction("_ZNK2at7Context17userEnabledNNPACKEv").invokeInt(new Object[] {context}) & 0xff) != 0;
  }

  private static String[] child(boolean keepNnpack, Path preload) throws Exception {
    ChildJvm.Output o = ChildJvm.run(NnpackSwitchTest.class,
        keepNnpack ? List.of("-D" + NnpackSwitch.PROPERTY + "=true") : List.of(),
        preload == null ? java.util.Map.of() : java.util.Map.of("LD_PRELOAD", preload.toString()));
    return new String[] {o.out(), o.err()};
  }

  @Test
  void theFirstConvolutionTurnsLibtorchsNnpackFlagOff() throws Exception {
    String[] off = child(false, null);
    assertThat(off[0]).contains("(1, 2, 20, 20) (1, 4, 30) libtorch NNPACK flag: false");
    assertThat(off[1]).doesNotContain(WARNING);
    assertThat(child(true, null)[0]).contains("libtorch NNPACK flag: true");
  }

  @Test
  void aCpuNnpackCannotRunOnPrintsNoWarning() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "LD_PRELOAD is Linux's");
    Path shim = unsupportedHardwareShim();
    assumeTrue(shim != null, "no C compiler (cc) to build the nnp_initialize stand-in");
    // the control: libtorch's default prints the warning on such a CPU
    assertThat(child(true, shim)[1]).contains(WARNING + "! Reason: Unsupported hardware");
    String[] off = child(false, shim);
    assertThat(off[0]).contains("libtorch NNPACK flag: false");
    assertThat(off[1]).doesNotContain(WARNING);
  }

  /** A shared library whose nnp_initialize returns nnp_status_unsupported_hardware (51), or null. */
  private Path unsupportedHardwareShim() throws Exception {
    Path src = Files.writeString(tmp.resolve("shim.c"), "int nnp_initialize(void) { return 51; }\n");
    Path lib = tmp.resolve("libnnpshim.so");
    Process cc;
    try {
      cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      return null;
    }
    cc.getInputStream().readAllBytes();
    return cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0 ? lib : null;
  }
}
