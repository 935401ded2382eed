package org.asr3m.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.asr3m.data.Units;
import org.asr3m.model.AsrModel;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.asr3m.shards.ShardData;
import org.asr3m.shards.ShardList;
import org.asr3m.shards.ShardStream;
import org.asr3m.shards.UrlShardSource;
import org.asr3m.train.Adam;
import org.asr3m.train.Autograd;
import org.asr3m.train.BatchSource;
import org.asr3m.train.EpochBatches;
import org.asr3m.train.ExperimentData;
import org.asr3m.train.GradientClipping;
import org.asr3m.train.PaddedBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "data", mixinStandardHelpOptions = true,
    description = {"Training data loading: loader frames/s (decoding, speed perturbation, augmentation, fbank,",
        "SpecAugment, padding) with 1 and N threads, and the train step fed by the loader against the same",
        "batches pre-loaded in memory (two alternating rounds of each), all in one run so the ratios hold on a",
        "busy machine.",
        "",
        "  asr3m bench data recipes/tiny-cmn/conformer.yaml --data data/train/shards/shards.list --units exp/units.txt",
        ""})
final class BenchDataCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RECIPE", description = "Recipe YAML (its dataset_conf: augmentation, buffers, num_workers).")
  Path recipeFile;

  @Option(names = "--data", required = true, paramLabel = "LIST|DIR", description = "Shard list or Kaldi data dir.")
  Path data;

  @Option(names = "--units", required = true, paramLabel = "UNITS_TXT", description = "Units of the model.")
  Path unitsFile;

  @Option(names = "--threads", paramLabel = "N", description = "Loader threads to compare with 1 (default: the recipe's num_workers).")
  Integer threads;

  @Option(names = "--batches", defaultValue = "20", paramLabel = "K", description = "Batches per measurement (default: ${DEFAULT-VALUE}).")
  int batches;

  @Override
  public Integer call() throws Exception {
    if (batches < 1 || (threads != null && threads < 1)) {
      throw new IllegalArgumentException("--batches and --threads must be at least 1, got " + batches + " and "
          + threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    Units units = Units.read(unitsFile);
    Recipe recipe = Recipe.read(recipeFile).withVocab(units.size());
    Recipe.DataConf conf = recipe.data();
    int n = threads != null ? threads : conf.numWorkers();
    IntFunction<BatchSource> source;
    if (ShardList.isShardList(data)) {
      ShardStream stream = ShardData.load(data, units, recipe, true, 0, 1, new UrlShardSource()).stream();
      source = t -> stream.with(stream.settings().withThreads(t, 2 * t));
    } else {
      ExperimentData d = ExperimentData.load(data, units, recipe, true);
      source = t -> d.data().source(d.plan(), t, 2 * t);
    }
    out.printf("%s on %s: %d batches per measurement, %d cores%n", recipeFile, data, batches,
        Runtime.getRuntime().availableProcessors());
    // warm-up (JIT, page cache), on both thread counts: after a single shorter pass the first
    // measured one still ran at about half speed (C2 still compiling the decoders)
    for (int t : new int[] {1, Math.max(1, n), 1}) {
      load(source.apply(t), batches);
    }
    double one = load(source.apply(1), batches);
    double many = load(source.apply(n), batches);
    out.printf("loader, 1 thread:  %.0f frames/s%n", one);
    out.printf("loader, %d threads: %.0f frames/s  (x%.2f)%n", n, many, many / one);

    List<PaddedBatch> preloaded = new ArrayList<>();
    try (EpochBatches e = source.apply(n).open(0, 0)) {
      for (PaddedBatch b = e.next(); b != null && preloaded.size() < batches; b = e.next()) {
        preloaded.add(b);
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 1);
      Adam adam = new Adam(ParameterNames.of(model), m);
      ParameterStore ps = new ParameterStore(m, false);
      for (int i = 0; i < 2; i++) {
        step(model, adam, ps, m, preloaded.get(i % preloaded.size()), recipe);
      }
      // alternating rounds (pre-loaded, fed, pre-loaded, fed) so that a drift of the machine's speed
      // during the run does not land on one side only
      long frames = 0;
      for (PaddedBatch b : preloaded) {
        frames += b.frames();
      }
      double pre = 0;
      double streamed = 0;
      int k = 0;
      for (int round = 0; round < 2; round++) {
        long t0 = System.nanoTime();
        for (PaddedBatch b : preloaded) {
          step(model, adam, ps, m, b, recipe);
        }
        pre += (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        try (EpochBatches e = source.apply(n).open(0, 0)) {
          int fed = 0;
          for (PaddedBatch b = e.next(); b != null && fed < preloaded.size(); b = e.next(), fed++, k++) {
            step(model, adam, ps, m, b, recipe);
          }
        }
        streamed += (System.nanoTime() - t1) / 1e9;
      }
      frames *= 2;
      out.printf("train step, pre-loaded batches: %.3f s/step, %.0f frames/s (%d steps)%n", pre / (2 * preloaded.size()),
          frames / pre, 2 * preloaded.size());
      out.printf("train step, fed by the loader (%d threads): %.3f s/step, %.0f frames/s%n", n, streamed / k,
          frames / streamed);
      out.printf("loader slowdown of the train step: %+.1f %% (the same %d batches, 2 rounds each way)%n",
          100 * (streamed / pre - 1), preloaded.size());
    }
    return 0;
  }

  /** Frames per second of reading {@code count} batches. */
  private static double load(BatchSource source, int count) {
    long t0 = System.nanoTime();
    long frames = 0;
    try (EpochBatches e = source.open(0, 0)) {
      int k = 0;
      for (PaddedBatch b = e.next(); b != null && k < count; b = e.next(), k++) {
        frames += b.frames();
      }
    }
    return frames / ((System.nanoTime() - t0) / 1e9);
  }

  private static void step(AsrModel model, Adam adam, ParameterStore ps, NDManager m,
      PaddedBatch b, Recipe recipe) {
    if (b.size() == 0) {
      return; // every member was bad input
    }
    try (NDManager bm = m.newSubManager()) {
      try (Autograd gc = Autograd.record()) {
        NDArray loss = model.loss(ps, b.toBatch(bm), true).total();
        gc.backward(loss);
      }
      adam.update(1e-4, GradientClipping.scale(adam.gradientNorm(), recipe.train().gradClip()));
    }
  }
}
