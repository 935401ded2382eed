package org.asr3m.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.asr3m.Fixtures;
import org.asr3m.io.Npy;
import org.junit.jupiter.api.Test;

/** Resampling against torchaudio.functional.resample (max abs error ≤ 1e-4 on [-1, 1] audio). */
class ResamplerTest {
  private static final double TOLERANCE = 1e-4;

  @Test
  void upsamplingMatchesTorchaudio() {
    check("audio/utt1_8k.wav", "resample/utt1_8k_to16k.npy", 16000);
    check("audio/utt1_22k.wav", "resample/utt1_22k_to16k.npy", 16000);
  }

  @Test
  void speedPerturbationRatesMatchTorchaudio() {
    check("audio/utt1.wav", "resample/utt1_16000_to_14400.npy", 14400);
    check("audio/utt1.wav", "resample/utt1_16000_to_17600.npy", 17600);
  }

  private static void check(String audio, String expected, int rate) {
    Audio in = AudioReader.read(Fixtures.path(audio), new AudioOptions(-1, 0, false));
    float[] got = Resampler.resample(in.samples(), in.sampleRate(), rate);
    float[] want = Npy.read(Fixtures.path(expected)).data();
    assertThat(got).as(audio + " -> " + rate).hasSameSizeAs(want);
    assertThat(Fixtures.maxAbsDiff(got, want)).as(audio + " -> " + rate).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void downsamplingRemovesContentAboveTheNewNyquist() {
    int n = 16000;
    float[] pass = new float[n];
    float[] stop = new float[n];
    for (int i = 0; i < n; i++) {
      pass[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
      stop[i] = (float) (0.5 * Math.sin(2 * Math.PI * 6000 * i / 16000.0));
    }
    assertThat(rms(Resampler.resample(pass, 16000, 8000))).isCloseTo(0.5 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.01));
    // 6 kHz is above 4 kHz Nyquist of the output: it must not alias back in
    assertThat(rms(Resampler.resample(stop, 16000, 8000))).isLessThan(0.01);
  }

  private static double rms(float[] x) {
    double s = 0;
    for (int i = 200; i < x.length - 200; i++) { // skip edge transients
      s += x[i] * x[i];
    }
    return Math.sqrt(s / (x.length - 400));
  }
}
