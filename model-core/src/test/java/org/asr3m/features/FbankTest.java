package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.audio.AudioOptions;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fbank against torchaudio.compliance.kaldi.fbank with WeNet's settings (fixtures from
 * tools/gen_fbank_fixtures.py). Tolerance: relative Frobenius error ≤ 1e-4.
 */
class FbankTest {
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"utt1", "utt2", "utt3"})
  void matchesTorchaudioKaldiFbank(String utt) {
    float[][] got = new FeatureExtractor(AudioOptions.MONO_16K, FbankOptions.WENET, 0L)
        .extract(Fixtures.path("audio/" + utt + ".wav"), 0, -1);
    Npy.Array want = Npy.read(Fixtures.path("fbank/" + utt + ".npy"));
    assertThat(got.length).isEqualTo(want.shape()[0]);
    assertThat(got[0].length).isEqualTo(80).isEqualTo(want.shape()[1]);
    assertThat(Fixtures.relativeFrobenius(Fixtures.flatten(got), want.data())).isLessThanOrEqualTo(TOLERANCE);
  }

  /** MKL's float FFT in blocks and JTransforms' double FFT frame by frame give the same features. */
  @ParameterizedTest
  @ValueSource(strings = {"utt1", "utt2", "utt3"})
  void bothFftsGiveTheSameFeatures(String utt) {
    float[] samples = new FeatureExtractor(AudioOptions.MONO_16K, FbankOptions.WENET, 0L)
        .load(Fixtures.path("audio/" + utt + ".wav"), 0, -1).samples();
    float[][] jtransforms = new Fbank(FbankOptions.WENET, 0L, JTransformsFrameFft::new).compute(samples);
    float[][] chosen = new Fbank(FbankOptions.WENET).compute(samples);
    assertThat(chosen.length).isEqualTo(jtransforms.length);
    assertThat(Fixtures.relativeFrobenius(Fixtures.flatten(chosen), Fixtures.flatten(jtransforms)))
        .isLessThanOrEqualTo(1e-6);
  }

  /** One Fbank per thread, as the loaders use them: threads running at once give the same features. */
  @Test
  void concurrentInstancesGiveTheSameFeatures() throws Exception {
    float[] samples = new FeatureExtractor(AudioOptions.MONO_16K, FbankOptions.WENET, 0L)
        .load(Fixtures.path("audio/utt2.wav"), 0, -1).samples();
    float[][] alone = new Fbank(FbankOptions.WENET).compute(samples);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var results = new java.util.ArrayList<java.util.concurrent.Future<float[][]>>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          Fbank fbank = new Fbank(FbankOptions.WENET);
          float[][] last = null;
          for (int i = 0; i < 50; i++) {
            last = fbank.compute(samples);
          }
          return last;
        }));
      }
      for (var r : results) {
        assertThat(r.get()).isDeepEqualTo(alone);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void frameCountFollowsSnipEdges() {
    FbankOptions o = FbankOptions.WENET;
    assertThat(o.numFrames(399)).isZero();
    assertThat(o.numFrames(400)).isEqualTo(1);
    assertThat(o.numFrames(559)).isEqualTo(1);
    assertThat(o.numFrames(560)).isEqualTo(2);
    assertThat(new Fbank(o).compute(new float[16000]).length).isEqualTo(98);
    // block boundaries of the FFT (32 frames a call): one short of a block, a block, one past it
    for (int frames : new int[] {31, 32, 33, 65}) {
      assertThat(new Fbank(o).compute(new float[400 + (frames - 1) * 160]).length).isEqualTo(frames);
    }
  }

  @Test
  void ditherIsSeededAndChangesTheOutput() {
    float[] x = new float[4000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.05) * 0.1f;
    }
    FbankOptions dithered = FbankOptions.WENET.withDither(1.0);
    float[][] a = new Fbank(dithered, 7).compute(x);
    float[][] b = new Fbank(dithered, 7).compute(x);
    float[][] plain = new Fbank(FbankOptions.WENET).compute(x);
    assertThat(a).isDeepEqualTo(b);
    assertThat(Fixtures.relativeFrobenius(Fixtures.flatten(a), Fixtures.flatten(plain))).isGreaterThan(0);
  }

  @Test
  void audioShorterThanOneFrameIsAnErrorNamingTheFile() {
    Path file = Path.of("short.wav");
    FeatureExtractor fx = new FeatureExtractor(AudioOptions.MONO_16K, FbankOptions.WENET, 0L);
    assertThatThrownBy(() -> fx.compute(file, new org.asr3m.audio.Audio(new float[300], 16000)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("short.wav").hasMessageContaining("shorter than one 25 ms frame");
  }
}
