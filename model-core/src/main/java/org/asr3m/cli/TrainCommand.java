package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.pipeline.TrainingRun;
import org.asr3m.recipe.Recipe;
import org.asr3m.recipe.RecipeOverride;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model from a recipe on Kaldi data directories or WeNet shard lists (features computed",
        "on the fly). Writes EXP/units.txt and EXP/global_cmvn when not given (from a shard list: in one pass over",
        "its shards), a checkpoint per epoch (EXP/epoch_N), and EXP/final: the average of the average_num epochs",
        "with the lowest dev CTC loss, or the best of them alone if the average scores worse on dev",
        "(EXP/final/selection.json says which).",
        "",
        "  asr3m train --recipe recipes/tiny-cmn/conformer.yaml --train-data recipes/tiny-cmn/data/train \\",
        "              --dev-data recipes/tiny-cmn/data/dev --exp exp/conformer",
        "  asr3m train ... --resume exp/conformer/step_400      continue exactly where a checkpoint left off",
        "  asr3m train ... --use-amp --device gpu   fp16 mixed precision (use_amp)",
        ""})
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipe", required = true, paramLabel = "YAML", description = "Recipe.")
  Path recipeFile;

  @Option(names = "--train-data", required = true, paramLabel = "DIR|LIST",
      description = "Training data: a Kaldi data dir, or a shard list (asr3m make-shards; WeNet's shard data.list)"
          + " streamed with bounded memory.")
  Path trainDir;

  @Option(names = "--dev-data", required = true, paramLabel = "DIR|LIST", description = "Validation data dir or shard list.")
  Path devDir;

  @Option(names = "--rank", paramLabel = "R", defaultValue = "0",
      description = "This data-parallel replica (0-based): with a shard list it reads every world-size-th shard of"
          + " each epoch's order, starting at R (recorded in EXP/shards/).")
  int rank;

  @Option(names = "--world-size", paramLabel = "N", defaultValue = "1", description = "Data-parallel replicas.")
  int worldSize;

  @Option(names = "--exp", required = true, paramLabel = "DIR", description = "Experiment output directory.")
  Path exp;

  @Option(names = "--units", paramLabel = "UNITS_TXT", description = "Units (default: EXP/units.txt, built from the training text or the shards' transcripts).")
  Path units;

  @Option(names = "--cmvn", paramLabel = "JSON", description = "global_cmvn (default: EXP/global_cmvn, computed from the training audio, a data dir's or the"
          + " shards').")
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

  @Option(names = "--use-amp", negatable = true,
      description = "Mixed precision: fp16 compute over fp32 master weights with dynamic loss scaling (WeNet's"
          + " --use_amp; meant for CUDA devices). Overrides the recipe's use_amp and is written into the recipe"
          + " stored with every checkpoint; --resume without it keeps the checkpoint's setting.")
  Boolean useAmp;

  @Option(names = "--device", paramLabel = "DEVICE",
      description = "cpu, gpu or gpu0, gpu1, … (default: a GPU when DJL finds one, else the CPU).")
  String device;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Recipe.read(recipeFile); // a missing or unreadable recipe is reported as such
    if (maxEpochs < 0 || maxSteps < 0) {
      throw new IllegalArgumentException("--max-epochs and --max-steps must be >= 0 (0: the recipe's max_epoch, no"
          + " step limit), got " + maxEpochs + " and " + maxSteps);
    }
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("--rank must be in [0, --world-size): got " + rank + " of " + worldSize);
    }
    if (initEmbedding != null && initFrom == null) {
      throw new IllegalArgumentException("--init-embedding goes with --init-from (the dense base model)");
    }
    Path result = TrainingRun.train(new TrainingRun.Spec(recipeText(out), trainDir, devDir, units, cmvn,
        exp, resume, initFrom, initEmbedding, maxEpochs, maxSteps, device, rank, worldSize,
        new org.asr3m.shards.UrlShardSource()), recipeFile, new ProgressPrinter(out), out, err);
    out.println(result == null ? "stopped before the first epoch ended; resume with --resume" : "final model: " + result);
    return 0;
  }

  /**
   * The recipe as trained: the file's text with use_amp set by --use-amp / --no-use-amp or, when resuming
   * without either, as the checkpoint's recipe has it (a run does not switch precision on restart).
   */
  private String recipeText(PrintWriter out) throws java.io.IOException {
    String text = Files.readString(recipeFile);
    Boolean amp = useAmp;
    Path saved = resume == null ? null : resume.resolve("recipe.yaml");
    if (amp == null && saved != null && Files.isRegularFile(saved)) {
      amp = Recipe.read(saved).train().useAmp();
      if (amp != Recipe.fromYaml(recipeFile, text).train().useAmp()) {
        out.printf("use_amp: %s as in %s%n", amp, saved);
      }
    }
    if (amp == null || amp == Recipe.fromYaml(recipeFile, text).train().useAmp()) {
      return text;
    }
    return RecipeOverride.set(recipeFile, text, "use_amp", amp.toString());
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
      if (batches < 0) { // a stream: the epoch's length is known at its end
        out.printf("\repoch %d: %d batches", epoch, batch);
        out.flush();
        barShown = true;
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
    public void onFinal(Path dir, org.asr3m.train.FinalSelection selection) {
      out.println(selection.describe());
    }

    @Override
    public void onEpochData(int epoch, org.asr3m.train.DataSummary data) {
      endBar();
      out.printf("epoch %d data: %s%n", epoch, data.line());
      data.problems().forEach(p -> out.println("  skipped: " + p));
      if (data.problemCount() > data.problems().size()) {
        out.printf("  … and %d more%n", data.problemCount() - data.problems().size());
      }
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
