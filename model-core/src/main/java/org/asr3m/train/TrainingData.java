package org.asr3m.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpecAugment;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.loss.LabelSmoothingLoss;
import org.asr3m.model.Batch;

/**
 * Turns utterances into padded model batches, computing features on the fly as WeNet's "raw"
 * mode does: speed perturbation → reverberation → additive noise → fbank with dither → SpecAugment
 * (before CMVN, which is inside the model). Every random choice is drawn from a generator seeded by (seed, epoch, utterance),
 * so a batch is identical whether it is built in one run or after a resume, and on any thread.
 * Decoded audio is cached in memory after first use (fine for corpora of a few hours; larger
 * corpora should be prepared as feature shards).
 */
public final class TrainingData {
  private final List<Example> examples;
  private final AudioOptions audioOptions;
  private final FbankOptions fbank;
  private final SpeedPerturb speed;
  private final SpecAugment specAugment;
  private final long seed;
  private final ConcurrentHashMap<String, Audio> audioCache;
  private final NoiseAugment noise;
  private final ReverbAugment reverb;

  /**
   * @param speed speed perturbation, or null for none (evaluation)
   * @param specAugment masking, or null for none (evaluation)
   */
  public TrainingData(List<Example> examples, AudioOptions audioOptions, FbankOptions fbank, SpeedPerturb speed,
      SpecAugment specAugment, long seed) {
    this.examples = List.copyOf(examples);
    this.audioOptions = audioOptions;
    this.fbank = fbank;
    this.speed = speed;
    this.specAugment = specAugment;
    this.seed = seed;
    this.audioCache = new ConcurrentHashMap<>();
    this.noise = null;
    this.reverb = null;
  }

  private TrainingData(TrainingData parent, List<Example> examples, NoiseAugment noise, ReverbAugment reverb) {
    this.examples = List.copyOf(examples);
    this.audioOptions = parent.audioOptions;
    this.fbank = parent.fbank;
    this.speed = parent.speed;
    this.specAugment = parent.specAugment;
    this.seed = parent.seed;
    this.audioCache = parent.audioCache;
    this.noise = noise;
    this.reverb = reverb;
  }

  /**
   * The same examples with on-the-fly reverberation and/or additive noise (either may be null), applied
   * after speed perturbation; they draw from the same per-(seed, epoch, utterance) generator.
   */
  public TrainingData withAugmentation(NoiseAugment noise, ReverbAugment reverb) {
    return new TrainingData(this, examples, noise, reverb);
  }

  /** The examples at {@code indices}, sharing this set's decoded-audio cache. */
  public TrainingData subset(List<Integer> indices) {
    List<Example> picked = new ArrayList<>();
    for (int i : indices) {
      picked.add(examples.get(i));
    }
    return new TrainingData(this, picked, noise, reverb);
  }

  public List<Example> examples() {
    return examples;
  }

  /** Feature frames of each example before perturbation (decodes and caches the audio). */
  public int frames(int index) {
    Example e = examples.get(index);
    return fbank.numFrames(audio(e).samples().length);
  }

  /** Features of one example for {@code epoch}, with this data set's augmentation. */
  public float[][] features(int index, int epoch) {
    Example e = examples.get(index);
    Random random = new Random(mix(seed, epoch, e.id()));
    Audio a = audio(e);
    if (speed != null) {
      a = speed.apply(a, random);
    }
    if (reverb != null) {
      a = reverb.apply(a, random);
    }
    if (noise != null) {
      a = noise.apply(a, random);
    }
    float[][] feats = new FeatureExtractor(audioOptions, fbank, random.nextLong()).compute(e.audio(), a);
    if (specAugment != null) {
      specAugment.apply(feats, random);
    }
    return feats;
  }

  /** A padded batch: features (B, T, F), lengths, targets padded with −1. */
  public Batch batch(NDManager manager, List<Integer> indices, int epoch) {
    List<float[][]> feats = new ArrayList<>(indices.size());
    indices.parallelStream().map(i -> features(i, epoch)).forEachOrdered(feats::add);
    int b = indices.size();
    int maxT = 0;
    int maxL = 1;
    for (int i = 0; i < b; i++) {
      maxT = Math.max(maxT, feats.get(i).length);
      maxL = Math.max(maxL, examples.get(indices.get(i)).tokens().length);
    }
    int dim = fbank.numMelBins();
    float[] x = new float[b * maxT * dim];
    long[] lens = new long[b];
    long[] ys = new long[b * maxL];
    long[] ysLens = new long[b];
    java.util.Arrays.fill(ys, LabelSmoothingLoss.IGNORE_ID);
    for (int i = 0; i < b; i++) {
      float[][] f = feats.get(i);
      for (int t = 0; t < f.length; t++) {
        System.arraycopy(f[t], 0, x, (i * maxT + t) * dim, dim);
      }
      lens[i] = f.length;
      int[] tokens = examples.get(indices.get(i)).tokens();
      for (int j = 0; j < tokens.length; j++) {
        ys[i * maxL + j] = tokens[j];
      }
      ysLens[i] = tokens.length;
    }
    var device = manager.getDevice();
    return new Batch(manager.create(FloatBuffer.wrap(x), new Shape(b, maxT, dim), DataType.FLOAT32).toDevice(device, false),
        manager.create(lens).toDevice(device, false), manager.create(ys, new Shape(b, maxL)).toDevice(device, false),
        manager.create(ysLens).toDevice(device, false));
  }

  private Audio audio(Example e) {
    return audioCache.computeIfAbsent(e.id(), id -> new FeatureExtractor(audioOptions, fbank, 0L)
        .load(e.audio(), e.startSec(), e.endSec()));
  }

  private static long mix(long seed, int epoch, String id) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch;
    return h * 31 + id.hashCode();
  }
}
