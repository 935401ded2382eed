package org.asr3m.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Units;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.model.AsrModel;
import org.asr3m.model.ModelSize;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.ExperimentData;
import org.asr3m.train.TrainConfig;
import org.asr3m.train.TrainListener;
import org.asr3m.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model from a recipe on Kaldi data directories (features computed on the fly).",
        "Writes EXP/units.txt and EXP/global_cmvn when not given, a checkpoint per epoch (EXP/epoch_N),",
        "and EXP/final: the average of the average_num epochs with the lowest dev CTC loss.",
        "",
        "  asr3m train --recipe recipes/tiny-cmn/conformer.yaml --train-data recipes/tiny-cmn/data/train \\",
        "              --dev-data recipes/tiny-cmn/data/dev --exp exp/conformer",
        "  asr3m train ... --resume exp/conformer/step_400      continue exactly where a checkpoint left off",
        ""})
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipe", required = true, paramLabel = "YAML", description = "Recipe.")
  Path recipeFile;

  @Option(names = "--train-data", required = true, paramLabel = "DIR", description = "Training data dir.")
  Path trainDir;

  @Option(names = "--dev-data", required = true, paramLabel = "DIR", description = "Validation data dir.")
  Path devDir;

  @Option(names = "--exp", required = true, paramLabel = "DIR", description = "Experiment output directory.")
  Path exp;

  @Option(names = "--units", paramLabel = "UNITS_TXT", description = "Units (default: built from the training text).")
  Path units;

  @Option(names = "--cmvn", paramLabel = "JSON", description = "global_cmvn (default: computed from the training data).")
  Path cmvn;

  @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Resume from a checkpoint directory.")
  Path resume;

  @Option(names = "--init-from", paramLabel = "CHECKPOINT",
      description = "Start from a dense base checkpoint: matching weights copied, every MoE expert a copy of the"
          + " base FFN in its slot, routers random (the 3M recipe's initialisation).")
  Path initFrom;

  @Option(names = "--init-embedding", paramLabel = "CHECKPOINT",
      description = "Pretrained embedding network (encoder + CTC head of a model: conformer checkpoint).")
  Path initEmbedding;

  @Option(names = "--max-epochs", paramLabel = "N", defaultValue = "0",
      description = "Override the recipe's max_epoch.")
  int maxEpochs;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0",
      description = "Stop after N optimiser updates (writes EXP/step_N).")
  long maxSteps;

  @Option(names = "--device", paramLabel = "DEVICE",
      description = "cpu, gpu or gpu0, gpu1, … (default: a GPU when DJL finds one, else the CPU).")
  String device;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Recipe recipe = Recipe.read(recipeFile);
    Files.createDirectories(exp);
    Path unitsFile = units;
    if (unitsFile == null) {
      unitsFile = exp.resolve("units.txt");
      if (!Files.exists(unitsFile)) {
        List<org.asr3m.io.InputException> problems = new ArrayList<>();
        Units.build(KaldiDataDir.readText(trainDir.resolve("text"), problems).values()).write(unitsFile);
        out.println("built " + unitsFile);
      }
    }
    Units vocab = Units.read(unitsFile);
    recipe = recipe.withVocab(vocab.size());
    GlobalCmvn stats = cmvn != null ? GlobalCmvn.read(cmvn) : cmvnOf(recipe, out, err);
    ExperimentData train = ExperimentData.load(trainDir, vocab, recipe, true);
    ExperimentData dev = ExperimentData.load(devDir, vocab, recipe, false);
    report(err, trainDir, train);
    report(err, devDir, dev);
    Device dev0 = device == null ? null : Device.fromName(device);
    try (NDManager manager = dev0 == null ? NDManager.newBaseManager() : NDManager.newBaseManager(dev0)) {
      // the recipe's seed fixes the initial weights too, so two runs of a recipe start alike
      AsrModel model = AsrModel.create(recipe, manager, recipe.train().seed());
      model.encoder().setCmvn(stats);
      if (model.embedding() != null) {
        model.embedding().encoder().setCmvn(stats);
      }
      if (initEmbedding != null && initFrom == null) {
        throw new IllegalArgumentException("--init-embedding goes with --init-from (the dense base model)");
      }
      if (initFrom != null && resume == null) {
        Checkpoint.InitReport r = Checkpoint.initFrom(initFrom, initEmbedding, model);
        out.printf("initialised from %s: %d tensors copied, %d expert tensors from the base FFNs, %d embedding-network"
            + " tensors; %d left random%s%n", initFrom, r.copied(), r.experts(), r.embedding(), r.random().size(),
            r.random().isEmpty() ? "" : " (" + String.join(", ", r.random().subList(0, Math.min(6, r.random().size())))
                + (r.random().size() > 6 ? ", …" : "") + ")");
      }
      Map<String, Long> params = ModelSize.parameters(model);
      out.printf("model: %,d parameters on %s; %d train / %d dev utterances%n", params.get("total"),
          manager.getDevice(), train.data().examples().size(), dev.data().examples().size());
      Trainer trainer = new Trainer(model, manager, new TrainConfig(exp, Files.readString(recipeFile), unitsFile,
          maxEpochs, maxSteps), new ProgressPrinter(out));
      Path result = trainer.train(train.data(), train.plan(), dev.data(), dev.plan(), resume);
      out.println(result == null ? "stopped before the first epoch ended; resume with --resume" : "final model: " + result);
    }
    return 0;
  }

  private GlobalCmvn cmvnOf(Recipe recipe, PrintWriter out, PrintWriter err) throws Exception {
    Path file = exp.resolve("global_cmvn");
    if (Files.exists(file)) {
      return GlobalCmvn.read(file);
    }
    GlobalCmvn stats = Batches.cmvn(trainDir, org.asr3m.audio.AudioOptions.MONO_16K,
        recipe.data().fbank().withDither(0), Runtime.getRuntime().availableProcessors(), err).stats();
    stats.write(file);
    out.printf("global CMVN over %d frames -> %s%n", stats.frameCount(), file);
    return stats;
  }

  private static void report(PrintWriter err, Path dir, ExperimentData data) {
    for (org.asr3m.io.InputException p : data.problems()) {
      err.println("warning: " + p.getMessage());
    }
    if (!data.filter().removed().isEmpty()) {
      err.println("warning: " + dir + ": " + data.filter().summary());
    }
    if (data.unknown().total() > 0) {
      err.println("warning: " + dir + ": " + data.unknown().summary());
    }
    err.flush();
  }


  /** Prints one progress line per log interval and one per epoch. */
  static final class ProgressPrinter implements TrainListener {
    private final PrintWriter out;
    /** A live bar only on a terminal; logs and CI get plain lines. */
    private final boolean terminal = System.console() != null;
    private boolean barShown;

    ProgressPrinter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches) {
      if (!terminal) {
        return;
      }
      int width = 30;
      int done = batch * width / Math.max(1, batches);
      out.printf("\repoch %d [%s%s] %d/%d batches", epoch, "#".repeat(done), ".".repeat(width - done), batch, batches);
      out.flush();
      barShown = true;
    }

    private void endBar() {
      if (barShown) {
        out.print("\r" + " ".repeat(70) + "\r");
        barShown = false;
      }
    }

    @Override
    public void onStep(int epoch, long step, double lr, Map<String, Double> losses, double gradNorm, double fps) {
      endBar();
      StringBuilder sb = new StringBuilder();
      losses.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(String.format("%.4f", v)));
      out.printf("epoch %d step %d lr %.3e%s grad_norm %.3f frames/s %.0f%n", epoch, step, lr, sb, gradNorm, fps);
      out.flush();
    }

    @Override
    public void onSkippedStep(int epoch, long step, double gradNorm) {
      endBar();
      out.printf("epoch %d step %d: gradient norm %s is not finite; update skipped%n", epoch, step, gradNorm);
    }

    @Override
    public void onEpoch(int epoch, Checkpoint.DevResult dev, Path checkpoint) {
      endBar();
      out.printf("epoch %d done: dev loss %.4f ctc %.4f att %.4f -> %s (resident memory %d MiB, heap %d MiB)%n", epoch,
          dev.loss(), dev.ctc(), dev.att(), checkpoint, Rss.kilobytes() / 1024, Rss.committedHeapKilobytes() / 1024);
      out.flush();
    }

    @Override
    public void onExpertStats(int epoch, org.asr3m.moe.ExpertStats train, org.asr3m.moe.ExpertStats dev) {
      out.printf("epoch %d experts (share of dev frames per expert):%n", epoch);
      dev.summary().forEach(line -> out.println("  " + line));
      out.flush();
    }
  }
}
