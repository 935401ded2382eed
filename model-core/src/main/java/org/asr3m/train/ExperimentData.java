package org.asr3m.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.audio.AudioOptions;
import org.asr3m.data.CharTokenizer;
import org.asr3m.data.FrameBucketSampler;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.LengthFilter;
import org.asr3m.data.UnkCounter;
import org.asr3m.data.Units;
import org.asr3m.data.Utterance;
import org.asr3m.features.FbankOptions;
import org.asr3m.io.InputException;
import org.asr3m.recipe.Recipe;

/**
 * A data directory prepared for training or validation under a recipe: transcripts tokenised,
 * length filters applied (and reported), and batches planned by frames.
 *
 * @param data the utterances, with on-the-fly features
 * @param plan the batches of each epoch
 * @param problems data-directory problems (bad lines, missing audio, …) — reported, not fatal
 * @param filter what the length filter removed
 * @param unknown units mapped to &lt;unk&gt;
 */
public record ExperimentData(TrainingData data, Trainer.BatchPlan plan, List<InputException> problems,
    LengthFilter.Report filter, UnkCounter unknown) {

  /**
   * @param training true: speed perturbation, dither and SpecAugment as the recipe says, shuffled
   *     batches; false: clean features in a fixed order (validation)
   */
  public static ExperimentData load(Path dataDir, Units units, Recipe recipe, boolean training) {
    KaldiDataDir dir = KaldiDataDir.load(dataDir);
    Recipe.DataConf conf = recipe.data();
    UnkCounter unk = new UnkCounter();
    List<Example> all = new ArrayList<>();
    List<InputException> problems = new ArrayList<>(dir.problems());
    for (Utterance u : dir.utterances()) {
      if (u.text() == null) {
        throw new InputException(dataDir.resolve("text"), "missing: training needs transcripts");
      }
      all.add(new Example(u.id(), u.audio(), u.startSec(), u.endSec(), CharTokenizer.encode(u.text(), units, unk)));
    }
    FbankOptions fbank = training ? conf.fbank() : conf.fbank().withDither(0);
    TrainingData everything = new TrainingData(all, AudioOptions.MONO_16K, fbank,
        training && conf.speedPerturb() ? org.asr3m.features.SpeedPerturb.DEFAULT : null,
        training ? conf.specAugment() : null, recipe.train().seed())
        .withAugmentation(training ? conf.noiseAug() : null, training ? conf.reverbAug() : null,
            training ? conf.padAug() : null);
    List<String> ids = new ArrayList<>();
    int[] frames = new int[all.size()];
    int[] tokens = new int[all.size()];
    List<Integer> readable = new ArrayList<>();
    // each file is read once here to learn its length, in parallel, and not kept: batches read it again
    Object[] lengths = new Object[all.size()];
    java.util.stream.IntStream.range(0, all.size()).parallel().forEach(i -> {
      try {
        lengths[i] = everything.frames(i);
      } catch (InputException e) {
        lengths[i] = e;
      }
    });
    for (int i = 0; i < all.size(); i++) {
      if (lengths[i] instanceof InputException e) {
        problems.add(e);
        continue;
      }
      frames[readable.size()] = (Integer) lengths[i];
      tokens[readable.size()] = all.get(i).tokens().length;
      ids.add(all.get(i).id());
      readable.add(i);
    }
    // evaluation keeps everything the encoder can process (as WeNet's recognize.py lifts the filters);
    // 7 frames is the least that survives the ×4 subsampling
    LengthFilter filter = training
        ? new LengthFilter(conf.minFrames(), conf.maxFrames(), conf.minTokens(), conf.maxTokens())
        : new LengthFilter(7, Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
    LengthFilter.Report report = filter.apply(ids, java.util.Arrays.copyOf(frames, ids.size()),
        java.util.Arrays.copyOf(tokens, ids.size()));
    List<Integer> kept = new ArrayList<>();
    int[] keptFrames = new int[report.kept().size()];
    for (int k = 0; k < report.kept().size(); k++) {
      int j = report.kept().get(k);
      kept.add(readable.get(j));
      keptFrames[k] = frames[j];
    }
    if (kept.isEmpty()) {
      throw new InputException(dataDir, "no usable utterances (" + problems.size() + " problem(s); "
          + report.summary() + ")");
    }
    TrainingData data = everything.subset(kept);
    FrameBucketSampler sampler = new FrameBucketSampler(keptFrames, conf.maxFramesInBatch(), conf.sortBufferSize(),
        training && conf.shuffle(), recipe.train().seed());
    return new ExperimentData(data, sampler::batches, List.copyOf(problems), report, unk);
  }
}
