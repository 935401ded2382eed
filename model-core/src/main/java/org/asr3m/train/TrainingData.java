package org.asr3m.train;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.PadAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpecAugment;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.model.Batch;

/**
 * Utterances of a data directory turned into padded model batches, features computed on the fly with
 * {@link Augmentation}. Audio is read from disk each time it is needed, never cached, so memory is
 * bounded by the batches in flight and not by the corpus (the OS page cache keeps re-reads cheap).
 */
public final class TrainingData {
  private final List<Example> examples;
  private final Augmentation augmentation;

  /**
   * @param speed speed perturbation, or null for none (evaluation)
   * @param specAugment masking, or null for none (evaluation)
   */
  public TrainingData(List<Example> examples, AudioOptions audioOptions, FbankOptions fbank, SpeedPerturb speed,
      SpecAugment specAugment, long seed) {
    this(examples, new Augmentation(audioOptions, fbank, speed, specAugment, null, null, null, seed));
  }

  private TrainingData(List<Example> examples, Augmentation augmentation) {
    this.examples = List.copyOf(examples);
    this.augmentation = augmentation;
  }

  /**
   * The same examples with on-the-fly silence pads, reverberation and/or additive noise (any may be
   * null), applied after speed perturbation; they draw from the same per-(seed, epoch, utterance) generator.
   */
  public TrainingData withAugmentation(NoiseAugment noise, ReverbAugment reverb, PadAugment pad) {
    Augmentation a = augmentation;
    return new TrainingData(examples, new Augmentation(a.audioOptions(), a.fbank(), a.speed(), a.specAugment(), noise,
        reverb, pad, a.seed()));
  }

  /** The examples at {@code indices}. */
  public TrainingData subset(List<Integer> indices) {
    List<Example> picked = new ArrayList<>();
    for (int i : indices) {
      picked.add(examples.get(i));
    }
    return new TrainingData(picked, augmentation);
  }

  public List<Example> examples() {
    return examples;
  }

  public Augmentation augmentation() {
    return augmentation;
  }

  /** Feature frames of each example before perturbation (reads and decodes the audio). */
  public int frames(int index) {
    return augmentation.fbank().numFrames(audio(examples.get(index)).samples().length);
  }

  /** Features of one example for {@code epoch}, with this data set's augmentation. */
  public float[][] features(int index, int epoch) {
    Example e = examples.get(index);
    return augmentation.features(e.id(), e.audio(), audio(e), epoch);
  }

  /** The examples at {@code indices} padded into one batch, computed on the calling thread. */
  public PaddedBatch padded(List<Integer> indices, int epoch) {
    List<float[][]> feats = new ArrayList<>(indices.size());
    List<int[]> tokens = new ArrayList<>(indices.size());
    for (int i : indices) {
      feats.add(features(i, epoch));
      tokens.add(examples.get(i).tokens());
    }
    return PaddedBatch.of(feats, tokens, augmentation.fbank().numMelBins());
  }

  /** A padded batch: features (B, T, F), lengths, targets padded with −1 (features computed in parallel). */
  public Batch batch(NDManager manager, List<Integer> indices, int epoch) {
    List<float[][]> feats = new ArrayList<>(indices.size());
    indices.parallelStream().map(i -> features(i, epoch)).forEachOrdered(feats::add);
    List<int[]> tokens = new ArrayList<>(indices.size());
    for (int i : indices) {
      tokens.add(examples.get(i).tokens());
    }
    return PaddedBatch.of(feats, tokens, augmentation.fbank().numMelBins()).toBatch(manager);
  }

  /**
   * These examples in the batches of {@code plan}, built on {@code threads} loader threads with at most
   * {@code prefetch} batches ahead of the trainer.
   */
  public BatchSource source(Trainer.BatchPlan plan, int threads, int prefetch) {
    return (epoch, skip) -> {
      List<List<Integer>> batches = plan.batches(epoch);
      long utterances = batches.stream().mapToLong(List::size).sum();
      return new LoaderEpoch("data", threads, prefetch, batches.size(),
          () -> new DataSummary(utterances, 0, 0, 0, List.of()), e -> {
            for (int bi = skip; bi < batches.size(); bi++) {
              List<Integer> indices = batches.get(bi);
              e.emit(() -> padded(indices, epoch));
            }
          });
    };
  }

  private Audio audio(Example e) {
    return new FeatureExtractor(augmentation.audioOptions(), augmentation.fbank(), 0L)
        .load(e.audio(), e.startSec(), e.endSec());
  }
}
