package org.asr3m.nn;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lets MKL, which libtorch's CPU build uses for its matrix products, run its AVX-512 kernels on
 * AMD CPUs that have AVX-512 (EPYC 9004 and later), once per process.
 *
 * <p>Why: MKL picks its kernels by CPU vendor first. On a CPU that is not Intel's it runs its AVX2
 * kernels whatever the CPU supports. Measured on an AMD EPYC with AVX-512, one thread: the encoder's
 * products (124 × 144 by 144 × 576) ran at 81 GFLOP/s and at 166 with this; the tiny train step took
 * 0.34 s and 0.23-0.28 s, CTC greedy decoding RTF 0.0028 and 0.0018 (docs/performance.md).
 *
 * <p>How: MKL asks {@code mkl_serv_intel_cpu_true()} whether the CPU is Intel's, through the dynamic
 * linker. The library {@code native/linux-x86_64/libasr3m_mkl_dispatch.so} (source:
 * {@code src/main/c/mkl_dispatch.c}) defines that one function to answer yes; loaded with
 * {@code RTLD_GLOBAL} before MKL's first call, its definition is the one the linker binds. MKL then
 * chooses from the CPU's feature flags, so this is done only where the CPU reports every AVX-512
 * subset MKL's AVX-512 kernels use ({@link #REQUIRED}). On Intel CPUs nothing changes.
 *
 * <p>{@code -Dasr3m.mkl-dispatch=vendor} leaves MKL's own choice; so does anything but Linux on
 * x86-64, or a library that cannot be loaded there.
 */
public final class MklDispatch {
  public static final String PROPERTY = "asr3m.mkl-dispatch";
  /** CPU flags (/proc/cpuinfo) of MKL's AVX-512 kernels (Skylake-SP's set). */
  static final List<String> REQUIRED = List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
  static final String LIBRARY = "native/linux-x86_64/libasr3m_mkl_dispatch.so";
  /** RTLD_NOW | RTLD_GLOBAL (dlfcn.h on Linux). */
  private static final int OPEN_FLAGS = 0x2 | 0x100;

  /** What was decided, for logs and benchmark headers. */
  public enum State {
    /** MKL chooses its kernels by features: this process loaded the dispatch library. */
    AVX512_ON_AMD("MKL's AVX-512 kernels (AMD CPU, vendor check answered)"),
    /** An Intel CPU, or one without AVX-512: MKL's own choice is already the best one. */
    NOT_NEEDED("MKL's own kernel choice"),
    /** -Dasr3m.mkl-dispatch=vendor. */
    KEPT("MKL's own kernel choice (-D" + PROPERTY + "=vendor)"),
    /** Not Linux on x86-64, or the library could not be loaded. */
    UNAVAILABLE("MKL's own kernel choice (dispatch library not loadable here)");

    private final String text;

    State(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private MklDispatch() {}

  /**
   * Decides and, where it helps, loads the library (later calls are free).
   *
   * @throws IllegalArgumentException if {@code -Dasr3m.mkl-dispatch} is set to anything but {@code vendor}
   */
  public static State ensureApplied() {
    OptOutProperty.isSet(PROPERTY, "vendor", "keep MKL's choice of kernels by CPU vendor",
        "have AVX-512 kernels on AMD CPUs");
    return Holder.STATE;
  }

  private static final class Holder {
    static final State STATE = decide();
    @SuppressWarnings("unused") // held so the library stays loaded for the life of the process
    private static NativeLibrary library;

    private static State decide() {
      if (System.getProperty(PROPERTY) != null) { // checked by ensureApplied
        return State.KEPT;
      }
      if (!System.getProperty("os.name").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
        return State.UNAVAILABLE;
      }
      String cpuinfo;
      try {
        cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
      } catch (IOException e) {
        return State.UNAVAILABLE;
      }
      if (!needed(cpuinfo)) {
        return State.NOT_NEEDED;
      }
      try {
        library = load();
        return State.AVX512_ON_AMD;
      } catch (IOException | UnsatisfiedLinkError e) {
        return State.UNAVAILABLE;
      }
    }
  }

  /** Whether the first CPU of a /proc/cpuinfo text is not Intel's and has all of {@link #REQUIRED}. */
  static boolean needed(String cpuinfo) {
    String vendor = field(cpuinfo, "vendor_id");
    String flags = field(cpuinfo, "flags");
    if (vendor == null || flags == null || vendor.equals("GenuineIntel")) {
      return false;
    }
    return Set.of(flags.split("\\s+")).containsAll(REQUIRED);
  }

  /** The first CPU's vendor_id in /proc/cpuinfo ("GenuineIntel", "AuthenticAMD"), or null without one. */
  static String cpuVendor() {
    try {
      return field(Files.readString(Path.of("/proc/cpuinfo")), "vendor_id");
    } catch (IOException e) {
      return null;
    }
  }

  private static String field(String cpuinfo, String name) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** Copies the library out of the jar and opens it into the global scope (the copy is deleted at once). */
  static NativeLibrary load() throws IOException {
    Path file = Files.createTempFile("asr3m-mkl-dispatch", ".so");
    try (InputStream in = MklDispatch.class.getClassLoader().getResourceAsStream(LIBRARY)) {
      if (in == null) {
        throw new IOException(LIBRARY + " is missing from the class path");
      }
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return NativeLibrary.getInstance(file.toString(), Map.of(Library.OPTION_OPEN_FLAGS, OPEN_FLAGS));
    } finally {
      Files.deleteIfExists(file); // the mapping stays
    }
  }
}
