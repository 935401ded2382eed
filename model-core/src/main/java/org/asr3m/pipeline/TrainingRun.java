package org.asr3m.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.asr3m.audio.AudioOptions;
import org.asr3m.data.Units;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.io.InputException;
import org.asr3m.model.AsrModel;
import org.asr3m.model.ModelSize;
import org.asr3m.recipe.Recipe;
import org.asr3m.shards.LoaderSettings;
import org.asr3m.shards.ShardData;
import org.asr3m.shards.ShardList;
import org.asr3m.shards.ShardSource;
import org.asr3m.shards.ShardStats;
import org.asr3m.shards.ShardStream;
import org.asr3m.shards.UrlShardSource;
import org.asr3m.train.BatchSource;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.ExperimentData;
import org.asr3m.train.TrainConfig;
import org.asr3m.train.TrainListener;
import org.asr3m.train.Trainer;

/**
 * One training stage run in-process: units and CMVN (given, or made in the output directory from the
 * training data directory or, in one streamed pass, from the training shard list),
 * training and dev data loaded under the recipe (problems and filtered utterances logged), the
 * model built with the recipe's seed, optionally initialised from a dense base and a pretrained
 * embedding network, then the {@link Trainer}. All native memory lives in one NDManager that is
 * closed on every exit path, including an exception thrown by the listener (how a caller cancels
 * a run or gives up on it).
 */
public final class TrainingRun {
  /** Checkpoints a run can resume from (init/ and final/ cannot). */
  private static final Pattern RESUMABLE = Pattern.compile("(step|epoch)_\\d+");

  private TrainingRun() {}

  /**
   * What to train.
   *
   * @param recipeYaml the recipe text (stored in every checkpoint)
   * @param units units.txt, or null: outDir/units.txt, built from the training text (or the shards'
   *     transcripts) when missing
   * @param cmvn global_cmvn, or null: outDir/global_cmvn, computed from the training audio (or the shards)
   *     when missing
   * @param resumeFrom a checkpoint of this run to continue exactly from, or null
   * @param initFrom a dense base checkpoint (matching weights copied, experts copies of its FFNs), or null
   * @param initEmbedding a pretrained embedding network checkpoint, or null
   * @param maxEpochs overrides the recipe's max_epoch when positive
   * @param maxSteps stops after this many optimiser updates when positive (writes step_N)
   * @param device cpu, gpu, gpu0, …; null: a GPU when DJL finds one, else the CPU
   * @param rank this data-parallel replica (0-based); with a shard list it reads its own subset of shards
   * @param worldSize data-parallel replicas
   * @param shardSource opens the shards of a shard list (trainDir or devDir a file rather than a directory)
   */
  public record Spec(String recipeYaml, Path trainDir, Path devDir, Path units, Path cmvn, Path outDir,
      Path resumeFrom, Path initFrom, Path initEmbedding, int maxEpochs, long maxSteps, String device, int rank,
      int worldSize, ShardSource shardSource) {

    /** A single-replica run; shard lists are read from local paths and http(s) URLs. */
    public Spec(String recipeYaml, Path trainDir, Path devDir, Path units, Path cmvn, Path outDir, Path resumeFrom,
        Path initFrom, Path initEmbedding, int maxEpochs, long maxSteps, String device) {
      this(recipeYaml, trainDir, devDir, units, cmvn, outDir, resumeFrom, initFrom, initEmbedding, maxEpochs, maxSteps,
          device, 0, 1, new UrlShardSource());
    }
  }

  /** {@link #train(Spec, TrainListener, PrintWriter)} logging to {@code outDir/train.log} (appended). */
  public static Path train(Spec spec, TrainListener listener) throws IOException {
    Files.createDirectories(spec.outDir());
    try (Writer w = Files.newBufferedWriter(spec.outDir().resolve("train.log"), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND); PrintWriter log = new PrintWriter(w, true)) {
      return train(spec, listener, log);
    }
  }

  /** Trains with information and warnings on one log. */
  public static Path train(Spec spec, TrainListener listener, PrintWriter log) throws IOException {
    return train(spec, Path.of("recipe.yaml"), listener, log, log);
  }

  /**
   * Trains.
   *
   * @param recipeSource where the recipe text came from (named by errors about it)
   * @param out information (files built, initialisation, model size)
   * @param warnings data problems, filtered utterances, units mapped to &lt;unk&gt;
   * @return the final (averaged) model directory, or null when the run stopped (max_steps) before
   *     an epoch ended
   */
  public static Path train(Spec spec, Path recipeSource, TrainListener listener, PrintWriter out,
      PrintWriter warnings) throws IOException {
    Path exp = spec.outDir();
    Recipe recipe = Recipe.fromYaml(recipeSource, spec.recipeYaml());
    if (spec.initEmbedding() != null && recipe.embedding() == null) {
      throw new IllegalArgumentException("an embedding network was given but model: " + recipe.modelType()
          + " has none (moe_conf.router_input: embedding)");
    }
    Files.createDirectories(exp);
    Path unitsFile = spec.units() != null ? spec.units() : exp.resolve("units.txt");
    Path cmvnFile = spec.cmvn() != null ? spec.cmvn() : exp.resolve("global_cmvn");
    if (ShardList.isShardList(spec.trainDir())) {
      // a shard list is read once for whichever of the two is missing
      prepareFromShards(spec, recipe, unitsFile, spec.units() == null && !Files.exists(unitsFile), cmvnFile,
          spec.cmvn() == null && !Files.exists(cmvnFile), out, warnings);
    } else if (spec.units() == null && !Files.exists(unitsFile)) {
      Units.build(FeaturePrep.transcripts(List.of(spec.trainDir().resolve("text")), new ArrayList<>()))
          .write(unitsFile);
      out.println("built " + unitsFile);
    }
    Units vocab = Units.read(unitsFile);
    recipe = recipe.withVocab(vocab.size());
    GlobalCmvn stats = spec.cmvn() != null || Files.exists(cmvnFile) ? GlobalCmvn.read(cmvnFile)
        : cmvnOf(spec, recipe, cmvnFile, out, warnings);
    Data train = data(spec, spec.trainDir(), vocab, recipe, true, warnings);
    Data dev = data(spec, spec.devDir(), vocab, recipe, false, warnings);
    Device device = spec.device() == null ? null : Device.fromName(spec.device());
    try (NDManager manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device)) {
      // the recipe's seed fixes the initial weights too, so two runs of a recipe start alike
      AsrModel model = AsrModel.create(recipe, manager, recipe.train().seed());
      model.encoder().setCmvn(stats);
      if (model.embedding() != null) {
        model.embedding().encoder().setCmvn(stats);
      }
      if ((spec.initFrom() != null || spec.initEmbedding() != null) && spec.resumeFrom() == null) {
        Checkpoint.InitReport r = Checkpoint.initFrom(spec.initFrom(), spec.initEmbedding(), model);
        List<String> random = r.random();
        out.printf("initialised from %s: %d tensors copied, %d expert tensors from the base FFNs, %d embedding-network"
            + " tensors; %d left random%s%n", spec.initFrom() != null ? spec.initFrom() : spec.initEmbedding(),
            r.copied(), r.experts(), r.embedding(), random.size(),
            random.isEmpty() ? "" : " (" + String.join(", ", random.subList(0, Math.min(6, random.size())))
                + (random.size() > 6 ? ", …" : "") + ")");
      }
      Map<String, Long> params = ModelSize.parameters(model);
      String precision = recipe.train().useAmp() ? " (use_amp: fp16 compute, dynamic loss scaling)" : "";
      if (train.utterances() >= 0 && dev.utterances() >= 0) {
        out.printf("model: %,d parameters on %s%s; %d train / %d dev utterances%n", params.get("total"),
            manager.getDevice(), precision, train.utterances(), dev.utterances());
      } else {
        out.printf("model: %,d parameters on %s%s; train %s, dev %s%n", params.get("total"), manager.getDevice(),
            precision, train.description(), dev.description());
      }
      org.asr3m.nn.MklDispatch.State mkl = org.asr3m.nn.MklDispatch.ensureApplied();
      if (mkl == org.asr3m.nn.MklDispatch.State.AVX512_ON_AMD) {
        out.println("matrix products: " + mkl);
      }
      out.flush();
      Trainer trainer = new Trainer(model, manager, new TrainConfig(exp, spec.recipeYaml(), unitsFile,
          spec.maxEpochs(), spec.maxSteps()), listener);
      return trainer.train(train.source(), dev.source(), spec.resumeFrom());
    }
  }

  /**
   * The newest checkpoint a crashed run can resume from: the {@code step_N} or {@code epoch_N}
   * directory of {@code outDir} that is complete (every file a checkpoint writes, readable state)
   * and furthest along by the step recorded in its state (then by epoch, then by batch). A
   * directory that a crash left half-written is passed over.
   */
  public static Optional<Path> latestCheckpoint(Path outDir) throws IOException {
    if (!Files.isDirectory(outDir)) {
      return Optional.empty();
    }
    record Candidate(Path dir, Checkpoint.State state) {}
    List<Candidate> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(outDir)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        if (!RESUMABLE.matcher(d.getFileName().toString()).matches() || !complete(d)) {
          continue;
        }
        try {
          found.add(new Candidate(d, Checkpoint.readState(d)));
        } catch (InputException e) {
          // a trainer.json cut short by a crash: not a checkpoint to resume from
        }
      }
    }
    return found.stream()
        .max(Comparator.<Candidate>comparingLong(c -> c.state().step())
            .thenComparingInt(c -> c.state().epoch())
            .thenComparingInt(c -> c.state().batchInEpoch()))
        .map(Candidate::dir);
  }

  private static boolean complete(Path dir) {
    for (String f : new String[] {"model.npz", "optimizer.npz", "trainer.json", "recipe.yaml", "units.txt"}) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        return false;
      }
    }
    return true;
  }

  /**
   * units.txt and/or global_cmvn from the training shards, in one streamed pass with the training
   * stream's audio decoding and the recipe's fbank without dither (as from a data directory).
   */
  private static void prepareFromShards(Spec spec, Recipe recipe, Path unitsFile, boolean units, Path cmvnFile,
      boolean cmvn, PrintWriter out, PrintWriter warnings) throws IOException {
    if (!units && !cmvn) {
      return;
    }
    ShardStats.Result r;
    try {
      r = ShardStats.scan(spec.trainDir(), spec.shardSource(), units, ShardStream.audioOptions(),
          cmvn ? recipe.data().fbank().withDither(0) : null, Runtime.getRuntime().availableProcessors());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading " + spec.trainDir());
    }
    if (r.problemCount() > 0) {
      warnings.printf("warning: %s: %d bad input(s) skipped while computing %s:%n", spec.trainDir(),
          r.problemCount(), units && cmvn ? "units and CMVN" : units ? "units" : "CMVN");
      r.problems().forEach(p -> warnings.println("  " + p));
      if (r.problemCount() > r.problems().size()) {
        warnings.printf("  … and %d more%n", r.problemCount() - r.problems().size());
      }
      warnings.flush();
    }
    if (r.utterances() == 0 || (cmvn && r.cmvn().frameCount() == 0)) {
      throw new InputException(spec.trainDir(), "no readable utterance in its " + r.shards() + " shard(s) to compute "
          + (cmvn ? "CMVN" : "units") + " from");
    }
    if (units) {
      r.units().write(unitsFile);
      out.printf("built %s from %d transcripts in %d shard(s)%n", unitsFile, r.utterances(), r.shards());
    }
    if (cmvn) {
      r.cmvn().write(cmvnFile);
      out.printf("global CMVN over %d frames of %d shard(s) -> %s%n", r.cmvn().frameCount(), r.shards(), cmvnFile);
    }
  }

  private static GlobalCmvn cmvnOf(Spec spec, Recipe recipe, Path file, PrintWriter out, PrintWriter warnings)
      throws IOException {
    FeaturePrep.CmvnStats c = FeaturePrep.cmvn(spec.trainDir(), AudioOptions.MONO_16K,
        recipe.data().fbank().withDither(0), Runtime.getRuntime().availableProcessors());
    List<InputException> problems = c.problems();
    if (!problems.isEmpty()) {
      warnings.printf("%d of %d input(s) had problems and were skipped:%n", problems.size(),
          c.items() + c.dataProblems().size());
      problems.forEach(p -> warnings.println("  " + p.getMessage()));
      warnings.flush();
    }
    if (c.stats().frameCount() == 0) {
      throw new InputException(spec.trainDir(), "no readable audio to compute CMVN from");
    }
    c.stats().write(file);
    out.printf("global CMVN over %d frames -> %s%n", c.stats().frameCount(), file);
    return c.stats();
  }

  /** A training or dev set ready for the trainer, and how to describe it (utterances: -1 for a stream). */
  private record Data(BatchSource source, long utterances, String description) {}

  /**
   * A data directory (loaded and planned in memory, audio read on demand) or a shard list (streamed); a
   * training stream records which shards this replica reads in each epoch under outDir/shards/.
   */
  private static Data data(Spec spec, Path path, Units vocab, Recipe recipe, boolean training, PrintWriter warnings) {
    Recipe.DataConf conf = recipe.data();
    if (!ShardList.isShardList(path)) {
      ExperimentData d = ExperimentData.load(path, vocab, recipe, training);
      report(warnings, path, d);
      int n = d.data().examples().size();
      return new Data(d.data().source(d.plan(), conf.numWorkers(), conf.prefetch()), n, n + " utterances");
    }
    ShardData d = ShardData.load(path, vocab, recipe, training, spec.rank(), spec.worldSize(), spec.shardSource());
    ShardStream stream = d.stream();
    BatchSource source = stream;
    if (training) {
      Path splits = spec.outDir().resolve("shards");
      source = (epoch, skip) -> {
        try {
          Files.createDirectories(splits);
          Files.write(splits.resolve("epoch_" + epoch + ".rank_" + spec.rank() + "_of_" + spec.worldSize() + ".list"),
              stream.shardsOf(epoch), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return stream.open(epoch, skip);
      };
    }
    LoaderSettings s = stream.settings();
    return new Data(source, -1, d.shards().size() + " shard(s) streamed" + (s.worldSize() > 1 ? " (replica " + s.rank()
        + " of " + s.worldSize() + ")" : "") + ", " + s.threads() + " loader thread(s), buffers of " + s.shuffleSize()
        + " + " + s.sortSize() + " utterances, " + s.prefetch() + " batches prefetched");
  }

  private static void report(PrintWriter warnings, Path dir, ExperimentData data) {
    for (InputException p : data.problems()) {
      warnings.println("warning: " + p.getMessage());
    }
    if (!data.filter().removed().isEmpty()) {
      warnings.println("warning: " + dir + ": " + data.filter().summary());
    }
    if (data.unknown().total() > 0) {
      warnings.println("warning: " + dir + ": " + data.unknown().summary());
    }
    warnings.flush();
  }
}
