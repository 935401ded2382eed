package org.asr3m.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asr3m.decode.Recognizer;
import org.asr3m.model.AsrModel;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true,
    description = {"Decoding real-time factor (processing time / audio time) with 1 intra-op thread and with all,",
        "on synthetic features, for a checkpoint or a freshly initialised recipe.",
        "",
        "  asr3m bench decode --recipe recipes/tiny-cmn/conformer.yaml --vocab 400",
        "  asr3m bench decode --checkpoint exp/conformer/final --mode attention_rescoring",
        "  asr3m bench decode --recipe recipes/tiny-cmn/3m.yaml --vocab 400 --experts 4,16,64   (prints RTF ratios)",
        ""})
final class BenchDecodeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipe", paramLabel = "YAML", description = "Recipe (random weights).")
  Path recipeFile;

  @Option(names = "--checkpoint", paramLabel = "DIR", description = "Checkpoint (trained weights).")
  Path checkpoint;

  @Option(names = "--vocab", defaultValue = "0", paramLabel = "V", description = "Vocabulary for --recipe without output_dim.")
  int vocab;

  @Option(names = "--mode", defaultValue = "attention_rescoring", paramLabel = "MODE", description = "Decoding mode.")
  String mode;

  @Option(names = "--utterances", defaultValue = "8", paramLabel = "N", description = "Utterances (default: ${DEFAULT-VALUE}).")
  int utterances;

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Seconds per utterance (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--chunk-size", defaultValue = "0", paramLabel = "FRAMES", description = "Chunk size (0 = full context).")
  int chunkSize;

  @Option(names = "--experts", split = ",", paramLabel = "N[,N…]",
      description = "With --recipe (MoE): run with each of these expert counts and print the RTF ratios to the first.")
  int[] experts;

  @Override
  public Integer call() throws Exception {
    if ((recipeFile == null) == (checkpoint == null)) {
      throw new IllegalArgumentException("give exactly one of --recipe or --checkpoint");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (experts == null) {
      measure(null, out);
      return 0;
    }
    if (recipeFile == null) {
      throw new IllegalArgumentException("--experts needs --recipe");
    }
    double[][] rtf = new double[experts.length][];
    for (int i = 0; i < experts.length; i++) {
      out.printf("--- %d experts%n", experts[i]);
      rtf[i] = measure(experts[i], out);
    }
    out.println("RTF relative to " + experts[0] + " experts (1 thread" + (rtf[0].length > 1 ? ", all threads" : "") + "):");
    for (int i = 0; i < experts.length; i++) {
      StringBuilder sb = new StringBuilder(String.format("  %3d experts", experts[i]));
      for (int t = 0; t < rtf[i].length; t++) {
        sb.append(String.format("  RTF %.4f ratio %.3f", rtf[i][t], rtf[i][t] / rtf[0][t]));
      }
      out.println(sb);
    }
    return 0;
  }

  /** RTF with 1 thread and (on a multi-core machine) all threads. */
  private double[] measure(Integer numExperts, PrintWriter out) {
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model;
      if (checkpoint != null) {
        model = Checkpoint.load(checkpoint, m).model();
      } else {
        Recipe r = Recipe.read(recipeFile);
        r = vocab > 0 ? r.withVocab(vocab) : r;
        model = AsrModel.create(numExperts == null ? r : r.withExperts(numExperts), m, 1);
      }
      Recognizer rec = new Recognizer(model, new Recognizer.Options(Recognizer.Mode.parse(mode), 10, 0.5, 0, chunkSize, -1));
      ParameterStore ps = new ParameterStore(m, false);
      int frames = seconds * 100;
      int all = Runtime.getRuntime().availableProcessors();
      int[] threadCounts = all == 1 ? new int[] {1} : new int[] {1, all};
      double[] rtf = new double[threadCounts.length];
      out.printf("decode benchmark: %d utterances x %d s, mode %s, device %s%n", utterances, seconds, mode, m.getDevice());
      for (int ti = 0; ti < threadCounts.length; ti++) {
        int threads = threadCounts[ti];
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
          long t0 = System.nanoTime();
          for (int u = 0; u < utterances; u++) { // one utterance at a time, as a service would
            try (NDManager bm = m.newSubManager()) {
              rec.decode(ps, bm.randomNormal(new Shape(1, frames, model.recipe().encoder().inputDim())),
                  bm.full(new Shape(1), frames, DataType.INT64));
            }
          }
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        rtf[ti] = best / (utterances * seconds);
        out.printf("threads=%d  RTF %.4f  (%.1f s of audio in %.2f s)%n", threads, rtf[ti],
            (double) utterances * seconds, best);
      }
      ai.djl.pytorch.jni.JniUtils.setNumThreads(all);
      return rtf;
    }
  }
}
