package org.asr3m.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.asr3m.loss.CtcLoss;
import org.asr3m.train.Autograd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ctc", mixinStandardHelpOptions = true,
    description = {"CTC loss time alone: forward (log-softmax, recursions, gradient) + backward of the loss scalar,",
        "on random float32 logits (B x T x V) with full-length inputs, median of repeated runs after warm-up.",
        "Defaults: the tiny recipe's training batch (8 x 500 frames -> 124 encoder frames, 20 tokens, vocab 400).",
        "tools/peer_bench times torch's log_softmax + nn.CTCLoss the same way.",
        "",
        "  asr3m bench ctc --threads 1",
        ""})
final class BenchCtcCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Utterances (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--frames", defaultValue = "124", paramLabel = "T", description = "Encoder frames (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--tokens", defaultValue = "20", paramLabel = "L", description = "Tokens (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--vocab", defaultValue = "400", paramLabel = "V", description = "Vocabulary (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--repeats", defaultValue = "20", paramLabel = "N", description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int repeats;

  // The loss's host recursions are Java loops: a fresh JVM runs them interpreted, then through C1,
  // and C2 has them compiled only after a few hundred calls (measured on a 2-core AMD VM: 40 ms per
  // call at first, 1 ms from about the 350th). A training run calls the loss thousands of times, so
  // the steady state is what counts; warm-up by time rather than by count holds on slower machines.
  @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
      description = "Untimed runs first, for at least this long (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Intra-op threads (default: the engine's).")
  int threads;

  @Override
  public Integer call() {
    if (warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException("--warmup must be at least 0 and --repeats at least 1, got " + warmup
          + " and " + repeats);
    }
    PrintWriter out = spec.commandLine().getOut();
    double[] times = new double[repeats];
    int used;
    int warmupRuns = 0;
    // the heap a training run has (AsrModel.create tunes it): without it every call maps and zeroes
    // its (B, T, V) arrays anew, and the median moved between 0.8 and 5 ms from run to run
    org.asr3m.nn.NativeHeap.ensureTuned();
    try (EngineThreads engineThreads = EngineThreads.set(threads); NDManager m = NDManager.newBaseManager()) {
      used = engineThreads.used();
      for (long end = System.nanoTime() + (long) (warmup * 1e9); warmupRuns < 3 || System.nanoTime() < end;
          warmupRuns++) {
        run(m);
      }
      for (int r = 0; r < repeats; r++) {
        times[r] = run(m);
      }
    }
    Arrays.sort(times);
    out.printf("ctc loss forward + backward: B %d x T %d, %d tokens, vocab %d, %d intra-op threads, after %d"
        + " warm-up runs%n", batch, frames, tokens, vocab, used, warmupRuns);
    out.printf("median %.3f ms (min %.3f ms, %d runs)%n", times[repeats / 2] * 1e3, times[0] * 1e3, repeats);
    return 0;
  }

  /** One forward + backward on fresh random inputs; seconds. */
  private double run(NDManager m) {
    try (NDManager bm = m.newSubManager()) {
      NDArray logits = bm.randomNormal(new Shape(batch, frames, vocab));
      logits.setRequiresGradient(true);
      NDArray inLens = bm.full(new Shape(batch), frames, DataType.INT64);
      NDArray targets = bm.randomInteger(1, vocab, new Shape(batch, tokens), DataType.INT64);
      NDArray tgtLens = bm.full(new Shape(batch), tokens, DataType.INT64);
      long t0 = System.nanoTime();
      try (Autograd gc = Autograd.record()) {
        gc.backward(CtcLoss.loss(logits, inLens, targets, tgtLens));
      }
      logits.getGradient().sum().getFloat(); // the gradient exists (and is computed) before the clock stops
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
