package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MKL's kernel choice is process-wide, so each case runs in a child JVM, which multiplies two
 * matrices and asks MKL which code branch it runs ({@code mkl_serv_cbwr_get_auto_branch}, the
 * numbering of mkl_cbwr.h: 10 = AVX2, 12 and above = AVX-512).
 */
class MklDispatchTest {
  private static final int MKL_CBWR_AVX512 = 12;

  /** Child JVM: apply (as a model's constructor does), one product, print the state and MKL's branch. */
  public static void main(String[] args) throws Exception {
    MklDispatch.State state = MklDispatch.ensureApplied();
    try (NDManager m = NDManager.newBaseManager()) {
      m.ones(new Shape(64, 64)).matMul(m.ones(new Shape(64, 64))).getFloat(0, 0);
    }
    NativeLibrary torch = NativeLibrary.getInstance(Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath())
        .resolve(System.mapLibraryName("torch_cpu")).toString());
    int branch = torch.getFunction("mkl_serv_cbwr_get_auto_branch").invokeInt(new Object[0]);
    System.out.println(state.name() + " " + branch);
  }

  private static String[] child(String... jvmArgs) throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("LD_PRELOAD", null);
    String[] lines = ChildJvm.run(MklDispatchTest.class, List.of(jvmArgs), env).out().trim().split("\n");
    return lines[lines.length - 1].split(" ");
  }

  private static boolean linuxX86() {
    return System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"));
  }

  @Test
  void amdCpusWithAvx512GetMklsAvx512KernelsAndOthersKeepMklsChoice() throws Exception {
    assumeTrue(linuxX86(), "libtorch's MKL build and /proc/cpuinfo");
    boolean needed = MklDispatch.needed(Files.readString(Path.of("/proc/cpuinfo")));
    String[] kept = child("-D" + MklDispatch.PROPERTY + "=vendor");
    String[] applied = child();
    assertThat(kept[0]).isEqualTo("KEPT");
    if (needed) {
      // MKL's choice by vendor on this AMD CPU is below AVX-512; by features it is AVX-512
      assertThat(Integer.parseInt(kept[1])).isLessThan(MKL_CBWR_AVX512);
      assertThat(applied[0]).isEqualTo("AVX512_ON_AMD");
      assertThat(Integer.parseInt(applied[1])).isGreaterThanOrEqualTo(MKL_CBWR_AVX512);
    } else {
      assertThat(applied[0]).isEqualTo("NOT_NEEDED");
      assertThat(applied[1]).isEqualTo(kept[1]);
    }
  }

  @Test
  void theShippedLibraryAnswersMklsVendorQuestion() throws Exception {
    assumeTrue(linuxX86(), "the library is built for Linux on x86-64");
    NativeLibrary lib = MklDispatch.load();
    assertThat(lib.getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0])).isEqualTo(1);
  }

  @Test
  void onlyCpusThatAreNotIntelsAndHaveEveryAvx512SubsetQualify() {
    String all = "fpu sse2 avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16";
    assertThat(MklDispatch.needed("vendor_id\t: AuthenticAMD\nflags\t\t: " + all + "\n")).isTrue();
    assertThat(MklDispatch.needed("vendor_id\t: HygonGenuine\nflags\t\t: " + all + "\n")).isTrue();
    assertThat(MklDispatch.needed("vendor_id\t: GenuineIntel\nflags\t\t: " + all + "\n")).isFalse();
    assertThat(MklDispatch.needed("vendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2 fma\n")).as("Zen 3").isFalse();
    assertThat(MklDispatch.needed("vendor_id\t: AuthenticAMD\nflags\t\t: "
        + all.replace(" avx512vl", "") + "\n")).as("no avx512vl").isFalse();
    assertThat(MklDispatch.needed("processor\t: 0\n")).isFalse();
  }

  @Test
  void anUnknownSettingIsRefusedWithTheValuesAllowed() {
    System.setProperty(MklDispatch.PROPERTY, "on");
    try {
      assertThatThrownBy(MklDispatch::ensureApplied).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-Dasr3m.mkl-dispatch").hasMessageContaining("'vendor'").hasMessageContaining("'on'");
    } finally {
      System.clearProperty(MklDispatch.PROPERTY);
    }
  }
}
