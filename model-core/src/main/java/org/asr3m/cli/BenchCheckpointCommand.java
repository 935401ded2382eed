package org.asr3m.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.asr3m.data.Units;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Adam;
import org.asr3m.train.Autograd;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.GradientClipping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = {"Checkpoint cost at model scale: builds the recipe's model, runs a training step on a small random",
        "batch, saves a checkpoint, resumes from it (model + Adam moments; the next step's loss must be identical),",
        "then frees the training state and loads the checkpoint for decoding as `asr3m decode` does (its loss must",
        "equal the trained model's). Prints save/load seconds, file sizes, the Java bytes each phase allocated,",
        "heap used/max and peak resident memory. Run it with the heap fixed, e.g.",
        "",
        "  java -Xmx2g -jar asr3m.jar bench checkpoint recipes/wenetspeech/table3/3m_32e.yaml --vocab 737",
        "",
        "The checkpoint (16 bytes per parameter) goes to a temporary directory that is deleted afterwards.",
        ""})
final class BenchCheckpointCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RECIPE", description = "Recipe YAML.")
  Path recipeFile;

  @Option(names = "--vocab", defaultValue = "0", paramLabel = "V",
      description = "Vocabulary size (replaces the recipe's output_dim; default: the recipe's).")
  int vocab;

  @Option(names = "--batch", defaultValue = "2", paramLabel = "B", description = "Utterances per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--frames", defaultValue = "200", paramLabel = "T", description = "Frames per utterance (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--tokens", defaultValue = "10", paramLabel = "L", description = "Tokens per utterance (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to write the checkpoint (default: a new directory under java.io.tmpdir).")
  Path dir;

  @Option(names = "--keep", description = "Keep the checkpoint afterwards (default: delete it).")
  boolean keep;

  /** What one run measured. Bytes "allocated" are Java heap allocations by the measuring thread. */
  record Result(long parameters, int tensors, long largestTensorBytes, double buildSeconds, double stepSeconds,
      double saveSeconds, long modelFileBytes, long optimizerFileBytes, long saveAllocatedBytes, double resumeSeconds,
      long resumeAllocatedBytes, boolean resumeExact, double decodeLoadSeconds, long decodeAllocatedBytes,
      boolean decodeExact, long heapMaxBytes, long heapPeakBytes, long rssPeakKb) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (batch < 1 || frames < 16 || tokens < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, --frames >= 16 and --tokens >= 1");
    }
    Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("asr3m-bench-checkpoint");
    try {
      Path recipe = work.resolve("recipe.yaml");
      String text = Files.readString(recipeFile);
      if (vocab > 0) { // the checkpoint's recipe must agree with its units.txt
        text = text.replaceAll("(?m)^output_dim:.*$", "") + "\noutput_dim: " + vocab + "\n";
      }
      Files.writeString(recipe, text);
      Recipe r = Recipe.read(recipe);
      out.printf("%s: vocab %d, batch %d x %d frames, %d tokens; JVM heap max %d MiB%n", recipeFile, r.vocab(), batch,
          frames, tokens, Runtime.getRuntime().maxMemory() >> 20);
      Result res = measure(r, text, work, batch, frames, tokens, out);
      out.printf("%,d parameters in %d tensors (%.2f GB float32), largest tensor %.1f MiB%n", res.parameters(),
          res.tensors(), res.parameters() * 4 / 1e9, res.largestTensorBytes() / 1048576.0);
      out.printf("build %.1f s, train step %.1f s%n", res.buildSeconds(), res.stepSeconds());
      out.printf("save %.1f s: model.npz %.2f GB + optimizer.npz %.2f GB (%.0f MB/s); Java heap allocated %.1f MiB%n",
          res.saveSeconds(), res.modelFileBytes() / 1e9, res.optimizerFileBytes() / 1e9,
          (res.modelFileBytes() + res.optimizerFileBytes()) / 1e6 / res.saveSeconds(),
          res.saveAllocatedBytes() / 1048576.0);
      out.printf("resume (model + optimizer) %.1f s (%.0f MB/s); Java heap allocated %.1f MiB; next-step loss %s%n",
          res.resumeSeconds(), (res.modelFileBytes() + res.optimizerFileBytes()) / 1e6 / res.resumeSeconds(),
          res.resumeAllocatedBytes() / 1048576.0, res.resumeExact() ? "identical" : "DIFFERS");
      out.printf("load for decoding (build + read) %.1f s; Java heap allocated %.1f MiB; loss %s%n",
          res.decodeLoadSeconds(), res.decodeAllocatedBytes() / 1048576.0,
          res.decodeExact() ? "identical to the trained model's" : "DIFFERS from the trained model's");
      out.printf("memory: heap max %d MiB, peak heap used %d MiB (sum of the pools' peaks), peak resident %.2f GiB%n",
          res.heapMaxBytes() >> 20, res.heapPeakBytes() >> 20, res.rssPeakKb() / 1048576.0);
      return res.resumeExact() && res.decodeExact() ? 0 : 1;
    } finally {
      Path ckpt = work.resolve("checkpoint");
      if (!keep) {
        delete(dir != null ? ckpt : work);
      }
    }
  }

  /**
   * Build, step, save, step, resume, same step again, free, load for decoding. The checkpoint goes
   * to {@code work/checkpoint}; progress lines go to {@code out}.
   */
  static Result measure(Recipe recipe, String recipeYaml, Path work, int batch, int frames, int tokens, PrintWriter out)
      throws IOException {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
    Path units = work.resolve("units.txt");
    syntheticUnits(recipe.vocab()).write(units);
    Path ckpt = work.resolve("checkpoint");
    long t0;
    long a0;
    double build;
    double step;
    double save;
    double resume;
    long saveAlloc;
    long resumeAlloc;
    boolean resumeExact;
    float evalLoss;
    long parameters;
    int tensors;
    long largest;
    try (NDManager m = NDManager.newBaseManager()) {
      t0 = System.nanoTime();
      AsrModel model = AsrModel.create(recipe, m, recipe.train().seed());
      Adam adam = new Adam(ParameterNames.of(model), m);
      build = seconds(t0);
      Map<String, Parameter> named = ParameterNames.of(model);
      parameters = named.values().stream().mapToLong(p -> p.getArray().size()).sum();
      tensors = named.size();
      largest = named.values().stream().mapToLong(p -> p.getArray().size() * 4).max().orElse(0);
      out.printf("built %,d parameters in %.1f s%n", parameters, build);
      out.flush();
      ParameterStore ps = new ParameterStore(m, false);

      t0 = System.nanoTime();
      trainStep(model, adam, ps, m, recipe, 1, batch, frames, tokens);
      step = seconds(t0);

      t0 = System.nanoTime();
      a0 = allocated();
      Checkpoint.save(ckpt, model, adam, new Checkpoint.State(0, adam.step(), 1, recipe.train().seed(), List.of()),
          recipeYaml, units);
      saveAlloc = allocated() - a0;
      save = seconds(t0);
      out.printf("saved in %.1f s%n", save);
      out.flush();

      float next = trainStep(model, adam, ps, m, recipe, 2, batch, frames, tokens);

      t0 = System.nanoTime();
      a0 = allocated();
      Checkpoint.State state = Checkpoint.readState(ckpt);
      Checkpoint.loadParameters(ckpt.resolve("model.npz"), model);
      Checkpoint.loadOptimizer(ckpt, adam, state.step());
      resumeAlloc = allocated() - a0;
      resume = seconds(t0);
      out.printf("resumed in %.1f s%n", resume);
      out.flush();
      evalLoss = evalLoss(model, ps, m, recipe, batch, frames, tokens);
      float again = trainStep(model, adam, ps, m, recipe, 2, batch, frames, tokens);
      resumeExact = Float.floatToRawIntBits(next) == Float.floatToRawIntBits(again);
    } // the training state is freed here, as a separate decoding process would not have it

    double decodeLoad;
    long decodeAlloc;
    boolean decodeExact;
    try (NDManager m = NDManager.newBaseManager()) {
      t0 = System.nanoTime();
      a0 = allocated();
      Checkpoint.Loaded loaded = Checkpoint.load(ckpt, m);
      decodeAlloc = allocated() - a0;
      decodeLoad = seconds(t0);
      float loss = evalLoss(loaded.model(), new ParameterStore(m, false), m, recipe, batch, frames, tokens);
      decodeExact = Float.floatToRawIntBits(loss) == Float.floatToRawIntBits(evalLoss);
    }
    long heapPeak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        heapPeak += p.getPeakUsage().getUsed();
      }
    }
    return new Result(parameters, tensors, largest, build, step, save, Files.size(ckpt.resolve("model.npz")),
        Files.size(ckpt.resolve("optimizer.npz")), saveAlloc, resume, resumeAlloc, resumeExact, decodeLoad,
        decodeAlloc, decodeExact, Runtime.getRuntime().maxMemory(), heapPeak, Rss.peakKilobytes());
  }

  /** One optimiser update on the random batch of {@code seed}; returns its loss. */
  private static float trainStep(AsrModel model, Adam adam, ParameterStore ps, NDManager m,
      Recipe recipe, int seed, int batch, int frames, int tokens) {
    Engine.getInstance().setRandomSeed(seed); // same batch and dropout masks for the same seed
    try (NDManager bm = m.newSubManager()) {
      Batch b = randomBatch(bm, recipe, batch, frames, tokens);
      float loss;
      try (Autograd gc = Autograd.record()) {
        NDArray total = model.loss(ps, b, true).total();
        gc.backward(total);
        loss = total.getFloat();
      }
      adam.update(1e-4, GradientClipping.scale(adam.gradientNorm(), recipe.train().gradClip()));
      return loss;
    }
  }

  private static float evalLoss(AsrModel model, ParameterStore ps, NDManager m, Recipe recipe, int batch, int frames,
      int tokens) {
    Engine.getInstance().setRandomSeed(99);
    try (NDManager bm = m.newSubManager()) {
      return model.loss(ps, randomBatch(bm, recipe, batch, frames, tokens), false).total().getFloat();
    }
  }

  private static Batch randomBatch(NDManager bm, Recipe recipe, int batch, int frames, int tokens) {
    return new Batch(bm.randomNormal(new Shape(batch, frames, recipe.encoder().inputDim())),
        bm.full(new Shape(batch), frames, DataType.INT64),
        bm.randomInteger(2, recipe.vocab() - 1, new Shape(batch, tokens), DataType.INT64),
        bm.full(new Shape(batch), tokens, DataType.INT64));
  }

  /** {@code vocab} units: the three special ones and CJK characters from U+4E00. */
  private static Units syntheticUnits(int vocab) {
    if (vocab < 4) {
      throw new IllegalArgumentException("vocabulary " + vocab + " is too small (at least 4 units)");
    }
    StringBuilder chars = new StringBuilder();
    for (int i = 0; i < vocab - 3; i++) {
      chars.appendCodePoint(0x4E00 + i);
    }
    return Units.build(List.of(chars.toString()));
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
