package org.asr3m.features;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@link FrameFft} with oneMKL's batched single-precision real FFT, the one libtorch's CPU build
 * links in and exports (the same library {@code torch.fft} runs on). One call transforms a block
 * of frames with AVX-512/AVX2 kernels, about a seventh of JTransforms' time per frame; JTransforms,
 * scalar Java, was over half of the filterbank. Limited to one thread per descriptor
 * ({@code DFTI_THREAD_LIMIT}), so loader threads never start OpenMP teams beside training.
 */
final class MklFrameFft implements FrameFft {
  static final String PROPERTY = "asr3m.fbank-fft";
  private static final int BLOCK = 32;
  private static final Cleaner CLEANER = Cleaner.create();

  // oneMKL's DFTI constants (mkl_dfti.h)
  private static final int NUMBER_OF_TRANSFORMS = 7;
  private static final int CONJUGATE_EVEN_STORAGE = 10;
  private static final int PLACEMENT = 11;
  private static final int INPUT_DISTANCE = 14;
  private static final int OUTPUT_DISTANCE = 15;
  private static final int THREAD_LIMIT = 27;
  private static final int REAL = 33;
  private static final int COMPLEX_COMPLEX = 39;
  private static final int NOT_INPLACE = 44;

  /** The DFTI entry points; MKL_LONG is 64-bit (LP64), the variadic ones take Long values. */
  interface Dfti extends Library {
    long DftiCreateDescriptor_s_1d(PointerByReference handle, int domain, Object... length);

    long DftiSetValue(Pointer handle, int parameter, Object... value);

    long DftiCommitDescriptor(Pointer handle);

    long DftiComputeForward(Pointer handle, Pointer in, Object... out);

    long DftiFreeDescriptor(PointerByReference handle);

    String DftiErrorMessage(long status);
  }

  private final Dfti dfti;
  private final int n;
  private final Pointer handle;
  private final Memory in;
  private final Memory out;

  private MklFrameFft(Dfti dfti, int n) {
    this.dfti = dfti;
    this.n = n;
    PointerByReference ref = new PointerByReference();
    check(dfti, dfti.DftiCreateDescriptor_s_1d(ref, REAL, (long) n), "create a descriptor");
    Pointer created = ref.getValue();
    this.handle = created;
    // the action holds the pointer, not this object, or the descriptor would never be freed
    CLEANER.register(this, () -> dfti.DftiFreeDescriptor(new PointerByReference(created)));
    check(dfti, dfti.DftiSetValue(handle, NUMBER_OF_TRANSFORMS, (long) BLOCK), "set the batch");
    check(dfti, dfti.DftiSetValue(handle, PLACEMENT, NOT_INPLACE), "set out-of-place");
    check(dfti, dfti.DftiSetValue(handle, CONJUGATE_EVEN_STORAGE, COMPLEX_COMPLEX), "set complex output");
    check(dfti, dfti.DftiSetValue(handle, INPUT_DISTANCE, (long) n), "set the input distance");
    check(dfti, dfti.DftiSetValue(handle, OUTPUT_DISTANCE, (long) (n / 2 + 1)), "set the output distance");
    check(dfti, dfti.DftiSetValue(handle, THREAD_LIMIT, 1), "limit it to one thread");
    check(dfti, dfti.DftiCommitDescriptor(handle), "commit the descriptor");
    this.in = new Memory((long) Float.BYTES * n * BLOCK);
    this.out = new Memory((long) Float.BYTES * (n + 2) * BLOCK);
    in.clear();
  }

  /** An MKL transform of n points, or empty where MKL is not there or was switched off. */
  static Optional<MklFrameFft> create(int n) {
    if (org.asr3m.nn.OptOutProperty.isSet(PROPERTY, "jtransforms", "compute the filterbank's FFT with JTransforms",
        "use MKL's where libtorch has it")) {
      return Optional.empty();
    }
    // before MKL's first call binds its CPU check (and a bad -Dasr3m.mkl-dispatch is an error here)
    org.asr3m.nn.MklDispatch.ensureApplied();
    return Natives.DFTI.map(dfti -> new MklFrameFft(dfti, n));
  }

  @Override
  public int blockSize() {
    return BLOCK;
  }

  @Override
  public void forward(float[] frames, int count, float[] spectra) {
    in.write(0, frames, 0, count * n);
    // always the whole block: the descriptor's batch is fixed, and the rows past count are ignored
    check(dfti, dfti.DftiComputeForward(handle, in, out), "compute");
    out.read(0, spectra, 0, count * (n + 2));
  }

  @Override
  public String describe() {
    return "oneMKL from libtorch (float, " + BLOCK + " frames a call)";
  }

  private static void check(Dfti dfti, long status, String what) {
    if (status != 0) {
      throw new IllegalStateException("MKL's FFT failed to " + what + ": " + dfti.DftiErrorMessage(status)
          + " (-D" + PROPERTY + "=jtransforms avoids it)");
    }
  }

  /** libtorch's CPU library, loaded once: DJL maps it, so it is found among the process's mappings. */
  private static final class Natives {
    static final Optional<Dfti> DFTI = load();

    private static Optional<Dfti> load() {
      if (!System.getProperty("os.name").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
        return Optional.empty();
      }
      try {
        ai.djl.engine.Engine.getEngine("PyTorch");
        Optional<String> path = Files.readAllLines(Path.of("/proc/self/maps")).stream()
            .filter(line -> line.endsWith("/libtorch_cpu.so"))
            .map(line -> line.substring(line.indexOf('/')))
            .findFirst();
        if (path.isEmpty()) {
          return Optional.empty();
        }
        Dfti dfti = Native.load(path.get(), Dfti.class);
        dfti.DftiErrorMessage(0); // resolves a symbol now: a libtorch without MKL fails here, not later
        return Optional.of(dfti);
      } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
        return Optional.empty();
      }
    }
  }
}
