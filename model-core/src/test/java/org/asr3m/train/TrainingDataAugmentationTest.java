package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.asr3m.Fixtures;
import org.asr3m.audio.AudioOptions;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.ColouredNoise;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.PadAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.features.SyntheticRir;
import org.junit.jupiter.api.Test;

/** Noise and reverb draw from the per-(seed, epoch, utterance) generator, so resume stays exact. */
class TrainingDataAugmentationTest {
  private static TrainingData data(NoiseAugment noise, ReverbAugment reverb) {
    return data(noise, reverb, null);
  }

  private static TrainingData data(NoiseAugment noise, ReverbAugment reverb, PadAugment pad) {
    List<Example> ex = List.of(
        new Example("u1", Fixtures.path("audio/utt1.wav"), 0, -1, new int[] {1, 2}),
        new Example("u2", Fixtures.path("audio/utt2.wav"), 0, -1, new int[] {3}));
    return new TrainingData(ex, AudioOptions.MONO_16K, FbankOptions.WENET, SpeedPerturb.DEFAULT, null, 777)
        .withAugmentation(noise, reverb, pad);
  }

  @Test
  void sameSeedEpochAndUtteranceGiveTheSameFeatures() {
    NoiseAugment noise = new NoiseAugment(1, 0, 20, new ColouredNoise(List.of("white", "pink")));
    ReverbAugment reverb = new ReverbAugment(1, new SyntheticRir(0.2, 0.8, -3, 12));
    TrainingData a = data(noise, reverb);
    TrainingData resumed = data(noise, reverb); // a fresh instance, as after a resume
    for (int epoch = 0; epoch < 3; epoch++) {
      for (int i = 0; i < 2; i++) {
        assertThat(resumed.features(i, epoch)).isDeepEqualTo(a.features(i, epoch));
        assertThat(a.subset(List.of(i)).features(0, epoch)).isDeepEqualTo(a.features(i, epoch));
      }
    }
    assertThat(a.features(0, 1)).isNotEqualTo(a.features(0, 2)); // another epoch, other noise
    // augmentation changes the features of the same (seed, epoch, utterance)
    float[][] plain = data(null, null).features(0, 1);
    float[][] noisy = data(noise, null).features(0, 1);
    float[][] reverberant = data(null, reverb).features(0, 1);
    assertThat(noisy.length).isEqualTo(plain.length);
    assertThat(reverberant.length).isEqualTo(plain.length);
    assertThat(noisy).isNotEqualTo(plain);
    assertThat(reverberant).isNotEqualTo(plain);
  }

  @Test
  void padsLengthenWithinTheirRangeAndFramesPredictsTheLength() {
    PadAugment pad = new PadAugment(1, 0.3, 0.5);
    TrainingData padded = data(null, null, pad);
    TrainingData plain = data(null, null, null);
    Set<Integer> added = new HashSet<>();
    for (int epoch = 0; epoch < 8; epoch++) {
      for (int i = 0; i < 2; i++) {
        Example e = padded.examples().get(i);
        int samples = new FeatureExtractor(AudioOptions.MONO_16K, FbankOptions.WENET, 0L).load(e.audio(), 0, -1)
            .samples().length;
        float[][] f = padded.features(i, epoch);
        int base = plain.features(i, epoch).length; // the same speed factor: the generator's first draw
        // the shard loader buckets by this prediction, before any audio is processed
        assertThat(padded.augmentation().frames(e.id(), samples, 16000, epoch)).isEqualTo(f.length);
        assertThat(f.length - base).isBetween(0, 80); // at most 0.8 s at a 10 ms shift
        added.add(f.length - base);
      }
    }
    assertThat(added).hasSizeGreaterThan(8);
    assertThat(padded.features(1, 3)).isDeepEqualTo(data(null, null, pad).features(1, 3));
    // probability 0: the unpadded length
    assertThat(data(null, null, new PadAugment(0, 0.3, 0.5)).features(0, 2).length).isEqualTo(plain.features(0, 2).length);
  }
}
