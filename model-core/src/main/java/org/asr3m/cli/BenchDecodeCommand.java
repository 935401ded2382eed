package org.asr3m.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.asr3m.decode.Recognizer;
import org.asr3m.model.AsrModel;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin
  ExpertSweep sweep;

  @Option(names = "--mode", defaultValue = "attention_rescoring", paramLabel = "MODE", description = "Decoding mode.")
  String mode;

  @Option(names = "--utterances", defaultValue = "8", paramLabel = "N", description = "Utterances (default: ${DEFAULT-VALUE}).")
  int utterances;

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Seconds per utterance (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--chunk-size", defaultValue = "0", paramLabel = "FRAMES", description = "Chunk size (0 = full context).")
  int chunkSize;

  @Option(names = "--batch", defaultValue = "1", paramLabel = "B",
      description = "Utterances per decoding call (default: ${DEFAULT-VALUE}, one at a time as a streaming service).")
  int batch;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "Measure with N intra-op threads only (default: 1 thread, then all).")
  int threads;

  @Option(names = "--profile", paramLabel = "FILE",
      description = {"Record libtorch's operator profile of the timed rounds into FILE (Chrome trace JSON;",
          "tools/peer_bench/profile_ops.py sums it per operator). Measures one thread count only (--threads,",
          "default 1 then). Profiling slows decoding: its RTF is then not comparable with unprofiled runs."})
  Path profile;

  @Override
  public Integer call() throws Exception {
    if ((recipeFile == null) == (checkpoint == null)) {
      throw new IllegalArgumentException("give exactly one of --recipe or --checkpoint");
    }
    if (sweep.active() && recipeFile == null) {
      throw new IllegalArgumentException("--experts needs --recipe");
    }
    if (utterances < 1 || seconds < 1) {
      throw new IllegalArgumentException("--utterances and --seconds must be at least 1, got " + utterances + " and "
          + seconds);
    }
    if (batch < 1 || utterances % batch != 0) {
      throw new IllegalArgumentException("--batch must divide --utterances " + utterances + ", got " + batch);
    }
    if (threads < 0 || chunkSize < 0) {
      throw new IllegalArgumentException("--threads and --chunk-size must be at least 0, got " + threads + " and "
          + chunkSize);
    }
    if (profile != null) {
      OperatorProfile.checkWritable(profile);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Recipe> recipes = recipeFile == null ? null : sweep.recipes(recipeFile);
    int models = recipes == null ? 1 : recipes.size();
    int all = Runtime.getRuntime().availableProcessors();
    int[] threadCounts = threads > 0 ? new int[] {threads}
        : all == 1 || profile != null ? new int[] {1} : new int[] {1, all};
    double[][] rtf = new double[models][threadCounts.length];
    try (NDManager m = NDManager.newBaseManager()) {
      List<Recognizer> recognizers = new ArrayList<>();
      for (int c = 0; c < models; c++) {
        AsrModel model = recipes == null ? Checkpoint.load(checkpoint, m).model() : AsrModel.create(recipes.get(c), m, 1);
        recognizers.add(new Recognizer(model,
            new Recognizer.Options(Recognizer.Mode.parse(mode), 10, 0.5, 0, chunkSize, -1)));
      }
      ParameterStore ps = new ParameterStore(m, false);
      int inputDim = recognizers.get(0).model().recipe().encoder().inputDim();
      out.printf("decode benchmark: %d utterances x %d s, %d per call, mode %s%s, device %s; %s%n", utterances,
          seconds, batch, mode, chunkSize > 0 ? ", streaming chunk " + chunkSize : "", m.getDevice(),
          org.asr3m.nn.MklDispatch.ensureApplied());
      for (int ti = 0; ti < threadCounts.length; ti++) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threadCounts[ti]);
        double[] best = new double[models];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        // rounds over all models in turn, so drift of the machine hits each alike; round -1 warms up
        for (int rep = -1; rep < 5; rep++) {
          if (rep == 0 && profile != null) {
            OperatorProfile.start();
          }
          for (int c = 0; c < models; c++) {
            long t0 = System.nanoTime();
            for (int u = 0; u < utterances; u += batch) {
              try (NDManager bm = m.newSubManager()) {
                recognizers.get(c).decode(ps, bm.randomNormal(new Shape(batch, seconds * 100L, inputDim)),
                    bm.full(new Shape(batch), seconds * 100L, DataType.INT64));
              }
            }
            if (rep >= 0) {
              best[c] = Math.min(best[c], (System.nanoTime() - t0) / 1e9);
            }
          }
        }
        if (profile != null) {
          OperatorProfile.stop(profile);
          out.printf("operator profile of the 5 timed rounds: %s%n", profile);
        }
        for (int c = 0; c < models; c++) {
          rtf[c][ti] = best[c] / (utterances * seconds);
          out.printf("%sthreads=%d  RTF %.5f  (%d s of audio in %.3f s)%n",
              sweep.active() ? sweep.experts[c] + " experts  " : "", threadCounts[ti], rtf[c][ti], utterances * seconds,
              best[c]);
        }
      }
      ai.djl.pytorch.jni.JniUtils.setNumThreads(all);
    }
    if (sweep.active()) {
      sweep.printRatios(out, "RTF", threadCounts.length > 1 ? " (1 thread, all threads)" : " (1 thread)", "RTF %.4f", rtf);
    }
    return 0;
  }
}
