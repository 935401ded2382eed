package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.asr3m.Fixtures;
import org.asr3m.audio.AudioOptions;
import org.asr3m.features.ColouredNoise;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.features.SyntheticRir;
import org.junit.jupiter.api.Test;

/** Noise and reverb draw from the per-(seed, epoch, utterance) generator, so resume stays exact. */
class TrainingDataAugmentationTest {
  private static TrainingData data(NoiseAugment noise, ReverbAugment reverb) {
    List<Example> ex = List.of(
        new Example("u1", Fixtures.path("audio/utt1.wav"), 0, -1, new int[] {1, 2}),
        new Example("u2", Fixtures.path("audio/utt2.wav"), 0, -1, new int[] {3}));
    return new TrainingData(ex, AudioOptions.MONO_16K, FbankOptions.WENET, SpeedPerturb.DEFAULT, null, 777)
        .withAugmentation(noise, reverb);
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
}
