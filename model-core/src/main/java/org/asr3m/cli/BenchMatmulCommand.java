package org.asr3m.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "matmul", mixinStandardHelpOptions = true,
    description = {"float32 matrix multiplication speed of the bundled libtorch (its BLAS), in GFLOP/s: N x N times",
        "N x N, median of repeated runs. Printed next to every peer comparison, because each side's BLAS is part",
        "of what it offers.",
        "",
        "  asr3m bench matmul --threads 1",
        ""})
final class BenchMatmulCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", defaultValue = "512", paramLabel = "N", description = "Matrix size (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--repeats", defaultValue = "20", paramLabel = "N", description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Intra-op threads (default: the engine's).")
  int threads;

  @Override
  public Integer call() {
    if (size < 1 || repeats < 1 || threads < 0) {
      throw new IllegalArgumentException("--size and --repeats must be at least 1 and --threads at least 0, got "
          + size + ", " + repeats + " and " + threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    double[] times = new double[repeats];
    int used;
    org.asr3m.nn.MklDispatch.State mkl = org.asr3m.nn.MklDispatch.ensureApplied(); // as a model would
    try (EngineThreads engineThreads = EngineThreads.set(threads); NDManager m = NDManager.newBaseManager()) {
      used = engineThreads.used();
      NDArray a = m.randomNormal(new Shape(size, size));
      NDArray b = m.randomNormal(new Shape(size, size));
      for (int r = -3; r < repeats; r++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0); // forces completion on asynchronous devices
        }
        if (r >= 0) {
          times[r] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    Arrays.sort(times);
    double gflops = 2.0 * size * size * size / times[repeats / 2] / 1e9;
    out.printf("matmul %d x %d float32, %d intra-op threads: %.1f GFLOP/s (median of %d); %s%n", size, size,
        used, gflops, repeats, mkl);
    return 0;
  }
}
