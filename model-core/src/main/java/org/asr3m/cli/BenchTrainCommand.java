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
        "1) and for the parameter update (it reads every parameter, so it grows with the expert count). The",
        "models live side by side and take turns in blocks of up to 8 steps, in alternating order, so a drift",
        "of the machine's speed hits every count alike.",
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
          "tools/peer_bench/profile_ops.py sums it per operator; with --experts it holds every count's steps:",
          "profile one count at a time to compare them). Profiling slows the steps: their times are then not",
          "comparable with unprofiled runs."})
  Path profile;

  /** Timed steps a model runs in a row before the next expert count takes over (in a sweep). */
  private static final int BLOCK = 8;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    }
    if (batch < 1 || tokens < 0) {
      throw new IllegalArgumentException("--batch must be at least 1 and --tokens at least 0, got " + batch + " and "
          + tokens);
    }
    if (org.asr3m.nn.Conv2dSubsampling4.outputLength(frames) < 1) {
      throw new IllegalArgumentException("--frames " + frames + " is too short for one encoder frame (the front-end"
          + " subsamples 4x; at least 7)");
    }
    if (profile != null) {
      OperatorProfile.checkWritable(profile);
    }
    List<Recipe> recipes = sweep.recipes(recipeFile);
    List<Timed> runs = new ArrayList<>();
    try {
      for (Recipe r : recipes) {
        runs.add(new Timed(r));
      }
      // 2 warm-up steps each; in a sweep the first model 2 more before, so the JIT and the allocator
      // are warm for every expert count alike
      if (runs.size() > 1) {
        runs.get(0).warmUp(2);
      }
      for (Timed t : runs) {
        t.warmUp(2);
      }
      long rssBefore = Rss.kilobytes();
      long heapBefore = Rss.committedHeapKilobytes();
      if (profile != null) {
        OperatorProfile.start();
      }
      // The counts take turns in blocks of steps, in alternating order, so a drift of the machine over
      // seconds or minutes hits every count alike and their ratios come from the same minutes.
      int rounds = runs.size() > 1 ? (steps + BLOCK - 1) / BLOCK : 1; // steps >= 1: at least one round
      for (int round = 0; round < rounds; round++) {
        int block = steps / rounds + (round < steps % rounds ? 1 : 0);
        for (int i = 0; i < runs.size(); i++) {
          runs.get(round % 2 == 0 ? i : runs.size() - 1 - i).block(block);
        }
      }
      if (profile != null) {
        OperatorProfile.stop(profile);
        out.printf("operator profile of the timed steps: %s%n", profile);
      }
      double[][] times = new double[runs.size()][];
      for (int i = 0; i < runs.size(); i++) {
        if (sweep.active()) {
          out.printf("--- %d experts%n", sweep.experts[i]);
        }
        times[i] = runs.get(i).report(out);
      }
      long rssAfter = Rss.kilobytes();
      long heapAfter = Rss.committedHeapKilobytes();
      out.printf("resident memory %d MiB after warm-up, %d MiB after %d steps%s (JVM heap committed %d -> %d MiB;"
          + " native and other %d -> %d MiB)%n", rssBefore / 1024, rssAfter / 1024, steps,
          runs.size() > 1 ? " of each of the " + runs.size() + " models, which live side by side" : "",
          heapBefore / 1024, heapAfter / 1024, (rssBefore - heapBefore) / 1024, (rssAfter - heapAfter) / 1024);
      if (sweep.active()) {
        if (rounds > 1) {
          out.printf("the expert counts took turns: %d rounds of up to %d steps each, in alternating order%n", rounds,
              BLOCK);
        }
        sweep.printRatios(out, "step time", " (whole step; forward + backward; norm + Adam + zeroing)", "%.3f s",
            times);
      }
      return 0;
    } finally {
      for (Timed t : runs) {
        t.close();
      }
    }
  }

  /**
   * One model with its optimiser, timed step by step: the whole step, and its phases forward,
   * backward, gradient norm and clipped Adam with the zeroing (the update reads every parameter once
   * per step whatever the batch).
   */
  private final class Timed implements AutoCloseable {
    private final Recipe recipe;
    private final NDManager m = NDManager.newBaseManager();
    private final AsrModel model;
    private final Adam adam;
    private final boolean overlap;
    private final boolean amp;
    private final LossScaler scaler;
    private final ParameterStore ps;
    private final List<ai.djl.nn.Parameter> params;
    private final List<Double> stepTimes = new ArrayList<>();
    private final double[] phase = new double[4]; // seconds summed over the timed steps
    private long cpuNanos;
    private long skipped;
    private int untimed;

    Timed(Recipe recipe) {
      this.recipe = recipe;
      this.amp = useAmp != null ? useAmp : recipe.train().useAmp();
      try {
        this.model = AsrModel.create(recipe, m, 1);
        this.overlap = overlapUpdate != null ? overlapUpdate : Adam.spareCore();
        this.adam = new Adam(ParameterNames.of(model), m).overlapWithNextStep(overlap);
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
      // fp16: the trainer's scheme (half copies of the parameters per step, loss scaled in fp32, fp32 update)
      this.scaler = amp ? new LossScaler() : null;
      this.ps = amp ? new HalfPrecisionStore(m) : new ParameterStore(m, false);
      this.params = new ArrayList<>(adam.parameters().values());
    }

    /** {@code n} untimed steps, their last update finished. */
    void warmUp(int n) {
      for (int s = 0; s < n; s++) {
        step(false);
      }
      adam.settle();
    }

    /**
     * {@code n} timed steps in a row, as in the middle of training: an untimed step leads, so the
     * first timed step runs beside an overlapped update as every later one does, and each timed
     * step carries one update's overlap (the lead's or its predecessor's). The last timed step's
     * update is finished untimed, so no work of this model spills into the next one's block. (Timing
     * it instead, finished alone, would charge each block one update that training never runs
     * alone: at 64 experts about 5-8 ms a step with blocks of 8.)
     */
    void block(int n) {
      step(false);
      long cpuBefore = Rss.processCpuNanos();
      for (int s = 0; s < n; s++) {
        step(true);
      }
      cpuNanos += Rss.processCpuNanos() - cpuBefore;
      adam.settle();
    }

    void step(boolean timed) {
      int v = recipe.vocab();
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
      if (!timed) {
        untimed++;
        return;
      }
      stepTimes.add((System.nanoTime() - t0) / 1e9);
      for (int i = 0; i < phase.length; i++) {
        phase[i] += (at[i + 1] - at[i]) / 1e9;
      }
    }

    /**
     * Prints the details; returns mean seconds per step: the whole step, forward + backward (grows
     * with the frames), and the parameter update (gradient norm, Adam, zeroing).
     */
    double[] report(PrintWriter out) {
      int n = stepTimes.size();
      double total = stepTimes.stream().mapToDouble(Double::doubleValue).sum();
      double step = total / n;
      double[] mean = new double[phase.length];
      for (int i = 0; i < phase.length; i++) {
        mean[i] = phase[i] / n;
      }
      out.printf("%s: batch %d x %d frames, %d tokens, vocab %d, device %s, %d intra-op threads, %s; %s%n", recipeFile,
          batch, frames, tokens, recipe.vocab(), m.getDevice(), ai.djl.pytorch.jni.JniUtils.getNumThreads(),
          amp ? "fp16 compute with loss scaling (use_amp)" : "fp32", org.asr3m.nn.MklDispatch.ensureApplied());
      if (skipped > 0) {
        out.printf("  %d of %d steps overflowed in fp16 and skipped their update (loss scale now %.0f)%n", skipped,
            n + untimed, scaler.scale());
      }
      double[] sorted = stepTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      out.printf("train step %.3f s  frames/s %.0f  (mean of %d steps; median %.4f s)%n", step, batch * frames / step,
          n, sorted[n / 2]);
      out.printf("  forward %.3f s, backward %.3f s, gradient norm %.3f s, clipped Adam %.3f s (incl. zeroing)"
          + "; %,d parameters%n",
          mean[0], mean[1], mean[2], mean[3],
          params.stream().mapToLong(p -> p.getArray().size()).sum());
      out.printf("  process CPU time %.3f s a step (all threads)%s%n", cpuNanos / 1e9 / n, overlap
          ? "; Adam ran beside the next step's forward pass on a spare core (the forward's waits for it count in"
              + " forward, its launch in clipped Adam)" : "");
      return new double[] {step, mean[0] + mean[1], mean[2] + mean[3]};
    }

    @Override
    public void close() {
      try {
        adam.settle(); // before the manager frees the parameters
      } finally {
        m.close();
      }
    }
  }
}
