package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both frame FFTs against a direct DFT in double precision, for full and partial blocks. */
class FrameFftTest {
  private static final boolean LINUX_X86_64 =
      System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"));

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 32})
  void mklMatchesADirectDft(int count) {
    // MKL comes with libtorch's x86-64 build only; the JTransforms test covers the rest
    assumeTrue(LINUX_X86_64, "MKL's FFT is only looked for on Linux x86-64");
    FrameFft fft = MklFrameFft.create(512).orElseThrow();
    assertThat(fft.describe()).contains("oneMKL");
    assertMatchesDirectDft(fft, 512, count);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 32})
  void jtransformsMatchesADirectDft(int count) {
    assertMatchesDirectDft(new JTransformsFrameFft(512), 512, count);
    assertMatchesDirectDft(new JTransformsFrameFft(256), 256, count);
  }

  @Test
  void theDefaultIsMklOnLinuxX86AndTheSwitchKeepsJTransforms() {
    assertThat(FrameFft.of(512).describe()).contains(LINUX_X86_64 ? "oneMKL" : "JTransforms");
    System.setProperty(MklFrameFft.PROPERTY, "jtransforms");
    try {
      assertThat(FrameFft.of(512).describe()).contains("JTransforms");
      System.setProperty(MklFrameFft.PROPERTY, "fftw");
      assertThatThrownBy(() -> FrameFft.of(512)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-Dasr3m.fbank-fft").hasMessageContaining("'jtransforms'")
          .hasMessageContaining("'fftw'");
    } finally {
      System.clearProperty(MklFrameFft.PROPERTY);
    }
  }

  /** Each instance holds a descriptor and 130 KB of native buffers: dropped ones must be freed. */
  @Test
  void droppedMklTransformsGiveTheirMemoryBack() throws Exception {
    assumeTrue(LINUX_X86_64, "MKL's FFT is only looked for on Linux x86-64");
    float[] in = new float[32 * 512];
    float[] out = new float[32 * 514];
    long before = residentKiB();
    for (int i = 0; i < 20_000; i++) { // 2.6 GB if nothing were freed
      MklFrameFft.create(512).orElseThrow().forward(in, 1, out);
      if (i % 2_000 == 0) {
        System.gc();
      }
    }
    System.gc();
    Thread.sleep(200);
    assertThat(residentKiB() - before).as("resident growth, KiB").isLessThan(600_000);
  }

  private static long residentKiB() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static void assertMatchesDirectDft(FrameFft fft, int n, int count) {
    Random random = new Random(n * 31L + count);
    float[] in = new float[fft.blockSize() * n];
    for (int i = 0; i < count * n; i++) {
      // windowed-speech-like rows: 400 samples and zero padding, large int16-range values
      in[i] = i % n < n * 25 / 32 ? (float) (random.nextGaussian() * 3000) : 0f;
    }
    float[] out = new float[fft.blockSize() * (n + 2)];
    java.util.Arrays.fill(out, Float.NaN);
    fft.forward(in, count, out);
    for (int j = 0; j < count; j++) {
      double worst = 0;
      double peak = 0;
      for (int k = 0; k <= n / 2; k++) {
        double re = 0;
        double im = 0;
        for (int t = 0; t < n; t++) {
          double angle = 2 * Math.PI * k * t / n;
          re += in[j * n + t] * Math.cos(angle);
          im -= in[j * n + t] * Math.sin(angle);
        }
        worst = Math.max(worst, Math.hypot(out[j * (n + 2) + 2 * k] - re, out[j * (n + 2) + 2 * k + 1] - im));
        peak = Math.max(peak, Math.hypot(re, im));
      }
      assertThat(worst / peak).as("frame %d of %d", j, count).isLessThan(1e-6);
    }
  }
}
