package org.asr3m.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.nn.Ops;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Adam;
import org.asr3m.train.Autograd;
import org.asr3m.train.GradientClipping;
import org.asr3m.train.HalfPrecisionStore;
import org.asr3m.train.LossScaler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train-step time (forward, backward, gradient norm, clipped Adam incl. zeroing) and frames/s for a",
        "fixed synthetic batch, plus the process's resident memory before and after, to show it does not grow.",
        "",
        "With --experts the MoE recipe runs once per expert count (same expert size) and the ratios to the",
        "first count are printed for the whole step, for forward + backward (sparse dispatch keeps this near",
        "1) and for the parameter update (it reads every parameter, so it grows with the expert count).",
        "",
        "With fewer intra-op threads than cores, Adam's pass runs beside the next step's forward pass, as in",
        "training (--no-overlap-update times it before the next step); the step time is then the wall time",
        "per step including it, and the process's CPU time per step is printed too.",
        "",
        "  asr3m bench train recipes/tiny-cmn/conformer.yaml --vocab 400",
        "  asr3m bench train recipes/tiny-cmn/3m.yaml --vocab 400 --experts 4,16,64",
        "  asr3m bench train recipes/tiny-cmn/conformer.yaml --vocab 400 --use-amp",
        ""})
final class BenchTrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RECIPE", description = "Recipe YAML.")
  Path recipeFile;

  @Mixin
  ExpertSweep sweep;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Utterances per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--frames", defaultValue = "500", paramLabel = "T", description = "Frames per utterance (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--tokens", defaultValue = "20", paramLabel = "L", description = "Tokens per utterance (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Timed steps after 2 warm-up steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--use-amp", negatable = true,
      description = "Time the mixed-precision step (fp16 compute, fp32 master weights, loss scaling) or, with"
          + " --no-use-amp, the fp32 one (default: as the recipe's use_amp).")
  Boolean useAmp;

  @Option(names = "--overlap-update", negatable = true,
      description = {"Run each update's Adam pass beside the next step's forward pass (as training does when",
          "libtorch has fewer intra-op threads than there are cores) or, with --no-overlap-update, before the",
          "next step starts (default: as training)."})
  Boolean overlapUpdate;

  @Option(names = "--profile", paramLabel = "FILE",
      description = {"Record libtorch's operator profile of the timed steps into FILE (Chrome trace JSON;",
          "tools/peer_bench/profile_ops.py sums it per operator). Profiling slows the steps: their times are",
          "then not comparable with unprofiled runs."})
  Path profile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Recipe> recipes = sweep.recipes(recipeFile);
    if (!sweep.active()) {
      measure(recipes.get(0), out, steps);
      return 0;
    }
    // an untimed run first, so the JIT and the allocator are warm for every measured expert count alike
    measure(recipes.get(0), new PrintWriter(java.io.Writer.nullWriter()), 2);
    double[][] times = new double[recipes.size()][];
    for (int i = 0; i < recipes.size(); i++) {
      out.printf("--- %d experts%n", sweep.experts[i]);
      times[i] = measure(recipes.get(i), out, steps);
    }
    sweep.printRatios(out, "step time", " (whole step; forward + backward; norm + Adam + zeroing)", "%.3f s", times);
    return 0;
  }

  /**
   * Mean seconds per step: the whole step, forward + backward (grows with the frames), and the
   * parameter update — gradient norm, Adam, zeroing — which reads every parameter once per step
   * whatever the batch (after printing the details).
   */
  private double[] measure(Recipe recipe, PrintWriter out, int steps) {
    boolean amp = useAmp != null ? useAmp : recipe.train().useAmp();
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 1);
      boolean overlap = overlapUpdate != null ? overlapUpdate : Adam.spareCore();
      Adam adam = new Adam(ParameterNames.of(model), m).overlapWithNextStep(overlap);
      try {
        return measure(recipe, out, steps, model, adam, overlap, amp, m);
      } finally {
        adam.settle(); // before the manager frees the parameters
      }
    }
  }

  private double[] measure(Recipe recipe, PrintWriter out, int steps, AsrModel model, Adam adam, boolean overlap,
      boolean amp, NDManager m) {
    int v = recipe.vocab();
    // fp16: the trainer's scheme (half copies of the parameters per step, loss scaled in fp32, fp32 update)
    LossScaler scaler = amp ? new LossScaler() : null;
    ParameterStore ps = amp ? new HalfPrecisionStore(m) : new ParameterStore(m, false);
    long skipped = 0;
    var params = new ArrayList<>(adam.parameters().values());
    long rssBefore = 0;
    long heapBefore = 0;
    double total = 0;
    double[] stepTimes = new double[steps];
    double[] phase = new double[4]; // forward, backward, gradient norm, clipped Adam with the zeroing
    long cpuBefore = 0;
    for (int s = 0; s < steps + 2; s++) {
      if (s == 2) {
        adam.settle();
        rssBefore = Rss.kilobytes();
        heapBefore = Rss.committedHeapKilobytes();
        cpuBefore = Rss.processCpuNanos();
        if (profile != null) {
          ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
        }
      }
      long t0 = System.nanoTime();
      long[] at = new long[5];
      try (NDManager bm = m.newSubManager()) {
        NDArray feats = bm.randomNormal(new Shape(batch, frames, recipe.encoder().inputDim()));
        Batch b = new Batch(amp ? feats.toType(DataType.FLOAT16, false) : feats,
            bm.full(new Shape(batch), frames, DataType.INT64),
            bm.randomInteger(2, v - 1, new Shape(batch, tokens), DataType.INT64),
            bm.full(new Shape(batch), tokens, DataType.INT64));
        at[0] = System.nanoTime();
        try (Autograd gc = Autograd.record()) {
          NDArray loss = model.loss(ps, b, true).total();
          at[1] = System.nanoTime();
          if (scaler == null) {
            gc.backward(loss);
          } else {
            // in fp32: a loss scale of 2^16 is beyond fp16's range
            gc.backward(Ops.mul(Ops.toFloat32(loss), scaler.scale()));
            ((HalfPrecisionStore) ps).endStep(gc); // fp16 gradients into the fp32 masters
          }
        }
        at[2] = System.nanoTime();
        double norm = adam.gradientNorm(); // settles an overlapped update's rest first
        double unscale = 1;
        if (scaler != null) {
          unscale = 1 / scaler.scale();
          skipped += scaler.endStep(norm) ? 0 : 1;
          norm *= unscale;
        }
        at[3] = System.nanoTime();
        if (Double.isFinite(norm)) {
          adam.update(1e-4, GradientClipping.scale(norm, recipe.train().gradClip()) * unscale); // zeroes too
        } else {
          GradientClipping.zero(params, true);
        }
        at[4] = System.nanoTime();
      }
      if (s >= 2) {
        stepTimes[s - 2] = (System.nanoTime() - t0) / 1e9;
        total += stepTimes[s - 2];
        for (int i = 0; i < phase.length; i++) {
          phase[i] += (at[i + 1] - at[i]) / 1e9 / steps;
        }
      }
    }
    // the last step's overlapped update belongs to the timed steps
    long tailStart = System.nanoTime();
    adam.settle();
    double tail = (System.nanoTime() - tailStart) / 1e9;
    total += tail;
    stepTimes[steps - 1] += tail;
    phase[3] += tail / steps;
    double cpu = (Rss.processCpuNanos() - cpuBefore) / 1e9 / steps;
    if (profile != null) {
      ai.djl.pytorch.jni.JniUtils.stopProfile(profile.toAbsolutePath().toString());
      out.printf("operator profile of the %d timed steps: %s%n", steps, profile);
    }
    double step = total / steps;
    out.printf("%s: batch %d x %d frames, %d tokens, vocab %d, device %s, %d intra-op threads, %s; %s%n", recipeFile,
        batch, frames, tokens, v, m.getDevice(), ai.djl.pytorch.jni.JniUtils.getNumThreads(),
        amp ? "fp16 compute with loss scaling (use_amp)" : "fp32", org.asr3m.nn.MklDispatch.ensureApplied());
    if (skipped > 0) {
      out.printf("  %d of %d steps overflowed in fp16 and skipped their update (loss scale now %.0f)%n", skipped,
          steps + 2, scaler.scale());
    }
    java.util.Arrays.sort(stepTimes);
    out.printf("train step %.3f s  frames/s %.0f  (mean of %d steps; median %.4f s)%n", step, batch * frames / step,
        steps, stepTimes[steps / 2]);
    out.printf("  forward %.3f s, backward %.3f s, gradient norm %.3f s, clipped Adam %.3f s (incl. zeroing)"
        + "; %,d parameters%n",
        phase[0], phase[1], phase[2], phase[3],
        params.stream().mapToLong(p -> p.getArray().size()).sum());
    out.printf("  process CPU time %.3f s a step (all threads)%s%n", cpu, overlap
        ? "; Adam ran beside the next step's forward pass on a spare core (the forward's waits for it count in"
            + " forward, its launch in clipped Adam)" : "");
    long rssAfter = Rss.kilobytes();
    long heapAfter = Rss.committedHeapKilobytes();
    out.printf("resident memory %d MiB after warm-up, %d MiB after %d steps (JVM heap committed %d -> %d MiB;"
        + " native and other %d -> %d MiB)%n", rssBefore / 1024, rssAfter / 1024, steps, heapBefore / 1024,
        heapAfter / 1024, (rssBefore - heapBefore) / 1024, (rssAfter - heapAfter) / 1024);
    return new double[] {step, phase[0] + phase[1], phase[2] + phase[3]};
  }
}
