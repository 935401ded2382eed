package org.asr3m.train;

import java.nio.file.Path;
import java.util.Random;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.Resampler;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.PadAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpecAugment;
import org.asr3m.features.SpeedPerturb;

/**
 * Audio → training features as WeNet's "raw" mode computes them: speed perturbation → silence pads →
 * reverberation → additive noise → fbank with dither → SpecAugment (before CMVN, which is inside the model). Every
 * random choice is drawn from one generator seeded by (seed, epoch, utterance id), so the features
 * of an utterance are the same on any thread, in any order, and after a resume.
 *
 * @param speed speed perturbation, or null (evaluation)
 * @param specAugment masking, or null
 * @param noise additive noise, or null
 * @param reverb reverberation, or null
 * @param pad random silence before and after, or null
 */
public record Augmentation(AudioOptions audioOptions, FbankOptions fbank, SpeedPerturb speed, SpecAugment specAugment,
    NoiseAugment noise, ReverbAugment reverb, PadAugment pad, long seed) {

  /** Features of utterance {@code id} for {@code epoch}; {@code source} names the audio in errors. */
  public float[][] features(String id, Path source, Audio audio, int epoch) {
    Random random = random(id, epoch);
    Audio a = audio;
    if (speed != null) {
      a = speed.apply(a, random);
    }
    if (pad != null) {
      a = pad.apply(a, random);
    }
    if (reverb != null) {
      a = reverb.apply(a, random);
    }
    if (noise != null) {
      a = noise.apply(a, random);
    }
    float[][] feats = new FeatureExtractor(audioOptions, fbank, random.nextLong()).compute(source, a);
    if (specAugment != null) {
      specAugment.apply(feats, random);
    }
    return feats;
  }

  /**
   * Frames {@link #features} will return for {@code samples} samples at {@code rate}, without computing
   * them: only the speed factor and the pads change the length, and they are the generator's first draws.
   */
  public int frames(String id, int samples, int rate, int epoch) {
    int n = samples;
    Random random = random(id, epoch);
    if (speed != null) {
      double factor = speed.factors()[random.nextInt(speed.factors().length)];
      if (factor != 1.0) {
        n = Resampler.outputLength(samples, (int) Math.round(rate * factor), rate);
      }
    }
    if (pad != null) {
      int[] p = pad.draw(random, rate);
      n += p[0] + p[1];
    }
    return fbank.numFrames(n);
  }

  private Random random(String id, int epoch) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch;
    return new Random(h * 31 + id.hashCode());
  }
}
