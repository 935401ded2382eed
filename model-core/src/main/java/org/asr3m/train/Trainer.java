package org.asr3m.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.model.Losses;
import org.asr3m.moe.ExpertStats;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;

/**
 * The training loop: Adam with WeNet's warmup schedule, gradient accumulation, global-norm
 * clipping (skipping updates whose gradient is not finite), per-epoch validation, epoch
 * checkpoints plus optional step checkpoints that a restarted run resumes from exactly, and at the
 * end the N best epochs by dev CTC loss averaged into {@code final/}.
 *
 * <p>Memory: each batch runs inside its own NDManager, closed after the backward pass, so native
 * memory does not grow over an epoch. Determinism: the data order depends on (seed, epoch), the
 * augmentation on (seed, epoch, utterance) and the dropout generator is reseeded per batch from
 * (seed, global batch index).
 */
public final class Trainer {
  /** Plans the batches of an epoch (lists of example indices) deterministically from the epoch. */
  @FunctionalInterface
  public interface BatchPlan {
    List<List<Integer>> batches(int epoch);
  }

  private final AsrModel model;
  private final NDManager manager;
  private final Recipe.TrainConf conf;
  private final TrainConfig run;
  private final TrainListener listener;
  private final Adam adam;
  private final NoamSchedule schedule;
  /** fp16 loss scaling (recipe use_amp), or null for fp32 training. */
  private final LossScaler scaler;
  /** Batch split over the visible GPUs when DJL reports two or more, else null. */
  private final DataParallel parallel;

  public Trainer(AsrModel model, NDManager manager, TrainConfig run, TrainListener listener) {
    this.model = model;
    this.manager = manager;
    this.conf = model.recipe().train();
    this.run = run;
    this.listener = listener;
    // on the CPU with a core to spare, each update runs beside the next step's forward pass
    this.adam = new Adam(ParameterNames.of(model), manager).overlapWithNextStep(Adam.spareCore());
    this.schedule = new NoamSchedule(conf.lr(), conf.warmupSteps());
    this.scaler = conf.useAmp() ? new LossScaler() : null;
    this.parallel = DataParallel.ofVisibleGpus(manager.getDevice());
  }

  /** Overrides whether updates overlap the next step (tests run both ways whatever the cores). */
  Trainer overlapUpdates(boolean on) {
    adam.overlapWithNextStep(on);
    return this;
  }

  /** Updates that ran beside the next step so far. */
  long overlappedUpdates() {
    return adam.overlappedSteps();
  }

  /** Steps skipped because their fp16 gradients overflowed (0 without use_amp). */
  public long overflowSkippedSteps() {
    return scaler == null ? 0 : scaler.skippedSteps();
  }

  /**
   * Trains from scratch, or from {@code resumeFrom} (a checkpoint written by this loop).
   *
   * @return the directory of the final (averaged) model
   */
  public Path train(TrainingData train, BatchPlan plan, TrainingData dev, BatchPlan devPlan, Path resumeFrom)
      throws IOException {
    int threads = Runtime.getRuntime().availableProcessors();
    return train(train.source(plan, threads, 2 * threads), dev.source(devPlan, threads, 2 * threads), resumeFrom);
  }

  /**
   * Trains on batches from {@code train} (a data directory or a shard stream), validating on {@code dev}
   * after each epoch. A resumed epoch is reopened and its first {@code batchInEpoch} batches skipped.
   */
  public Path train(BatchSource train, BatchSource dev, Path resumeFrom) throws IOException {
    Throwable failed = null;
    try {
      return trainLoop(train, dev, resumeFrom);
    } catch (IOException | RuntimeException | Error e) {
      failed = e;
      throw e;
    } finally {
      try {
        adam.settle(); // the caller may close the model next: no update may still be writing it
      } catch (RuntimeException e) {
        if (failed == null) {
          throw e;
        }
        failed.addSuppressed(e); // the training's own failure is the one to report
      }
    }
  }

  private Path trainLoop(BatchSource train, BatchSource dev, Path resumeFrom) throws IOException {
    int startEpoch = 0;
    int skipBatches = 0;
    List<Checkpoint.DevResult> devResults = new ArrayList<>();
    if (resumeFrom != null) {
      Checkpoint.State s = Checkpoint.readState(resumeFrom);
      Checkpoint.loadParameters(resumeFrom.resolve("model.npz"), model);
      Checkpoint.loadOptimizer(resumeFrom, adam, s.step());
      startEpoch = s.epoch();
      skipBatches = s.batchInEpoch();
      devResults.addAll(s.dev());
    } else {
      // the untrained starting point (WeNet's init.pt): decodes to a baseline and documents the seed
      save(run.outDir().resolve("init"), new Checkpoint.State(0, 0, 0, conf.seed(), List.of()));
    }
    int maxEpoch = run.maxEpochs() > 0 ? run.maxEpochs() : conf.maxEpoch();
    ParameterStore ps = scaler != null ? new HalfPrecisionStore(manager) : new ParameterStore(manager, false);
    // validation in fp32 (its features are fp32; fp16 buys nothing without a backward pass)
    ParameterStore evalPs = ps instanceof HalfPrecisionStore ? new ParameterStore(manager, false) : ps;
    List<Parameter> params = new ArrayList<>(adam.parameters().values());
    boolean stop = false;
    for (int epoch = startEpoch; epoch < maxEpoch && !stop; epoch++) {
      int accumulated = 0;
      Map<String, Double> window = new LinkedHashMap<>();
      long windowFrames = 0;
      long windowStart = System.nanoTime();
      Autograd collector = null;
      ExpertStats trainStats = new ExpertStats();
      DataSummary data;
      try (EpochBatches batches = train.open(epoch, epoch == startEpoch ? skipBatches : 0)) {
        // one batch of look-ahead tells the last batch of a stream (its size is only known at the end)
        PaddedBatch next = batches.next();
        for (int bi = epoch == startEpoch ? skipBatches : 0; next != null; bi++) {
          PaddedBatch current = next;
          next = batches.next();
          // a batch whose every member turned out undecodable (reported in the epoch summary) arrives
          // empty: bi still counts it, so a resume skips the same planned batches; an update already
          // accumulated is still applied if it was the epoch's last
          boolean empty = current.size() == 0;
          if (empty && (next != null || accumulated == 0)) {
            listener.onBatch(epoch, bi + 1, batches.size());
            continue;
          }
          if (collector == null) {
            collector = Autograd.record();
          }
          Engine.getInstance().setRandomSeed((int) (conf.seed() * 1_000_003L + epoch * 1_000_000L + bi));
          if (!empty) {
            try (NDManager bm = manager.newSubManager()) {
              Batch batch = current.toBatch(bm);
              Losses losses;
              if (scaler == null && parallel == null) {
                losses = model.loss(ps, batch, true);
                // WeNet divides by accum_grad so the accumulated gradient is an average
                collector.backward(org.asr3m.nn.Ops.div(losses.total(), conf.accumGrad()));
              } else {
                double lossScale = (scaler == null ? 1 : scaler.scale()) / conf.accumGrad();
                DataParallel shards = parallel != null ? parallel : new DataParallel(List.of(bm.getDevice()));
                losses = shards.step(model, ps, collector, batch, true, lossScale, scaler != null, bm);
                if (ps instanceof HalfPrecisionStore half) {
                  half.endStep(collector);
                }
              }
              trainStats.add(losses.routing());
              window.merge("loss", losses.total().toType(DataType.FLOAT64, false).getDouble(), Double::sum);
              for (Map.Entry<String, NDArray> t : losses.terms().entrySet()) {
                window.merge(t.getKey(), t.getValue().toType(DataType.FLOAT64, false).getDouble(), Double::sum);
              }
              window.merge("batches", 1.0, Double::sum);
              windowFrames += batch.featLens().sum().getLong();
            }
          }
          accumulated++;
          listener.onBatch(epoch, bi + 1, batches.size());
          boolean last = next == null;
          if (accumulated < conf.accumGrad() && !last) {
            continue;
          }
          collector.close();
          collector = null;
          accumulated = 0;
          double norm = adam.gradientNorm(); // settles an update in flight first
          double unscale = 1;
          if (scaler != null) {
            // unscale before clipping (GradScaler.unscale_ then clip_grad_norm_); overflow: skip, back off
            unscale = 1 / scaler.scale();
            scaler.endStep(norm);
            norm *= unscale;
          }
          if (Double.isFinite(norm)) {
            adam.update(schedule.lr(adam.step() + 1), GradientClipping.scale(norm, conf.gradClip()) * unscale);
          } else {
            listener.onSkippedStep(epoch, adam.step(), norm);
            GradientClipping.zero(params, true);
          }
          long step = adam.step();
          if (step % conf.logInterval() == 0 || last) {
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            double n = window.getOrDefault("batches", 1.0);
            Map<String, Double> mean = new LinkedHashMap<>();
            window.forEach((k, v) -> {
              if (!k.equals("batches")) {
                mean.put(k, v / n);
              }
            });
            listener.onStep(epoch, step, schedule.lr(step), mean, norm, windowFrames / Math.max(seconds, 1e-9));
            window.clear();
            windowFrames = 0;
            windowStart = System.nanoTime();
          }
          if (conf.checkpointEverySteps() > 0 && step % conf.checkpointEverySteps() == 0 && !last) {
            save(run.outDir().resolve("step_" + step), new Checkpoint.State(epoch, step, bi + 1, conf.seed(), devResults));
          }
          if (listener.stopRequested()) {
            save(run.outDir().resolve("step_" + step), new Checkpoint.State(epoch, step, bi + 1, conf.seed(), devResults));
            throw new TrainingStoppedException(step, run.outDir().resolve("step_" + step));
          }
          if (run.maxSteps() > 0 && step >= run.maxSteps()) {
            stop = true;
            save(run.outDir().resolve("step_" + step), new Checkpoint.State(epoch, step, bi + 1, conf.seed(), devResults));
            break;
          }
        }
        data = batches.summary();
      } finally {
        adam.settle();
        if (collector != null) {
          collector.close();
          GradientClipping.zero(params, true);
        }
      }
      if (stop) {
        break;
      }
      listener.onEpochData(epoch, data);
      ExpertStats devStats = new ExpertStats();
      Checkpoint.DevResult result = validate(evalPs, dev, epoch, devStats);
      devResults.add(result);
      Path dir = run.outDir().resolve("epoch_" + epoch);
      save(dir, new Checkpoint.State(epoch + 1, adam.step(), 0, conf.seed(), devResults));
      listener.onEpoch(epoch, result, dir);
      if (!trainStats.isEmpty() || !devStats.isEmpty()) {
        writeExpertStats(epoch, trainStats, devStats);
        listener.onExpertStats(epoch, trainStats, devStats);
      }
    }
    return finish(evalPs, dev, devResults);
  }

  /** Mean dev losses (no augmentation, no dropout); the routing of MoE layers goes into {@code stats}. */
  public Checkpoint.DevResult validate(ParameterStore ps, TrainingData dev, BatchPlan devPlan, int epoch,
      ExpertStats stats) {
    int threads = Runtime.getRuntime().availableProcessors();
    return validate(ps, dev.source(devPlan, threads, 2 * threads), epoch, stats);
  }

  /** Mean dev losses over epoch 0 of {@code dev} (no augmentation, no dropout). */
  public Checkpoint.DevResult validate(ParameterStore ps, BatchSource dev, int epoch, ExpertStats stats) {
    double ctc = 0;
    double att = 0;
    double loss = 0;
    long utts = 0;
    try (EpochBatches batches = dev.open(0, 0)) {
      for (PaddedBatch padded = batches.next(); padded != null; padded = batches.next()) {
        if (padded.size() == 0) {
          continue; // every member was bad input (reported)
        }
        try (NDManager bm = manager.newSubManager()) {
          Batch batch = padded.toBatch(bm);
          Losses l = model.loss(ps, batch, false);
          stats.add(l.routing());
          int n = padded.size();
          loss += l.total().toType(DataType.FLOAT64, false).getDouble() * n;
          if (l.terms().containsKey("ctc")) {
            ctc += l.terms().get("ctc").toType(DataType.FLOAT64, false).getDouble() * n;
          }
          if (l.terms().containsKey("att")) {
            att += l.terms().get("att").toType(DataType.FLOAT64, false).getDouble() * n;
          }
          utts += n;
        }
      }
    }
    long n = Math.max(utts, 1);
    return new Checkpoint.DevResult(epoch, ctc / n, att / n, loss / n);
  }

  /**
   * final/: the {@code average_num} epochs with the lowest dev CTC loss (the paper's selection)
   * averaged, kept if the average is no worse on dev than the best of them alone, else that epoch
   * ({@link FinalSelection}). Loads the average into the model to score it: call last.
   */
  private Path finish(ParameterStore ps, BatchSource dev, List<Checkpoint.DevResult> results) throws IOException {
    Path out = run.outDir().resolve("final");
    boolean ctc = model.recipe().model().ctcWeight() > 0;
    java.util.function.ToDoubleFunction<Checkpoint.DevResult> criterion = d -> ctc ? d.ctc() : d.loss();
    List<Checkpoint.DevResult> best = new ArrayList<>();
    for (Checkpoint.DevResult d : results) {
      if (Files.isDirectory(epochDir(d.epoch()))) {
        best.add(d);
      }
    }
    if (best.isEmpty()) {
      return null;
    }
    best.sort(Comparator.comparingDouble(criterion));
    List<Checkpoint.DevResult> chosen = best.subList(0, Math.min(conf.averageNum(), best.size()));
    Checkpoint.average(chosen.stream().map(d -> epochDir(d.epoch())).toList(), out);
    Checkpoint.DevResult top = chosen.get(0);
    double averageDev = Double.NaN;
    if (chosen.size() > 1) {
      Checkpoint.loadParameters(out.resolve("model.npz"), model);
      averageDev = criterion.applyAsDouble(validate(ps, dev, -1, new ExpertStats()));
    }
    FinalSelection selection = new FinalSelection(chosen.stream().map(Checkpoint.DevResult::epoch).toList(),
        averageDev, top.epoch(), criterion.applyAsDouble(top), ctc ? "ctc" : "loss");
    if (!selection.keptAverage()) {
      Checkpoint.average(List.of(epochDir(top.epoch())), out);
    }
    selection.write(out);
    listener.onFinal(out, selection);
    return out;
  }

  private Path epochDir(int epoch) {
    return run.outDir().resolve("epoch_" + epoch);
  }

  /** EXP/expert_stats/epoch_N.json: {"epoch": N, "train": [per layer], "dev": [per layer]} for the UI heat-map. */
  private void writeExpertStats(int epoch, ExpertStats trainStats, ExpertStats devStats) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("epoch", epoch);
    json.put("train", trainStats.toJson());
    json.put("dev", devStats.toJson());
    ExpertStats.write(run.outDir().resolve("expert_stats").resolve("epoch_" + epoch + ".json"), json);
  }

  private void save(Path dir, Checkpoint.State state) throws IOException {
    adam.settle();
    Checkpoint.save(dir, model, adam, state, run.recipeYaml(), run.unitsFile());
    listener.onCheckpoint(dir);
  }
}
