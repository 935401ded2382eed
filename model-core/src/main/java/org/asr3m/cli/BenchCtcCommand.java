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

  @Option(names = "--repeats", defaultValue = "20", paramLabel = "N", description = "Timed runs after 3 warm-up runs (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Intra-op threads (default: the engine's).")
  int threads;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    double[] times = new double[repeats];
    int used;
    try (EngineThreads engineThreads = EngineThreads.set(threads); NDManager m = NDManager.newBaseManager()) {
      used = engineThreads.used();
      for (int r = -3; r < repeats; r++) {
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
          if (r >= 0) {
            times[r] = (System.nanoTime() - t0) / 1e9;
          }
        }
      }
    }
    Arrays.sort(times);
    out.printf("ctc loss forward + backward: B %d x T %d, %d tokens, vocab %d, %d intra-op threads%n", batch, frames,
        tokens, vocab, used);
    out.printf("median %.3f ms (min %.3f ms, %d runs)%n", times[repeats / 2] * 1e3, times[0] * 1e3, repeats);
    return 0;
  }
}
