package org.asr3m.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalCmvnTest {
  @TempDir
  Path tmp;

  private static final float[][] A = {{1, 2}, {3, 6}};
  private static final float[][] B = {{5, 10}};

  @Test
  void statisticsAreSumsAsWenetStoresThem() throws Exception {
    GlobalCmvn c = new GlobalCmvn(2);
    c.accumulate(A);
    c.accumulate(B);
    assertThat(c.frameCount()).isEqualTo(3);
    assertThat(c.mean()).containsExactly(3.0, 6.0);
    // var dim0 = (1+9+25)/3 - 9 = 8/3; dim1 = (4+36+100)/3 - 36 = 32/3
    assertThat(c.inverseStd()[0]).isCloseTo(1 / Math.sqrt(8.0 / 3), offset(1e-12));
    assertThat(c.inverseStd()[1]).isCloseTo(1 / Math.sqrt(32.0 / 3), offset(1e-12));
    Path file = tmp.resolve("global_cmvn");
    c.write(file);
    String json = Files.readString(file);
    assertThat(json).contains("\"mean_stat\":[9.0,18.0]").contains("\"var_stat\":[35.0,140.0]")
        .contains("\"frame_num\":3");
    GlobalCmvn back = GlobalCmvn.read(file);
    assertThat(back.mean()).containsExactly(c.mean());
    assertThat(back.inverseStd()).containsExactly(c.inverseStd());
  }

  @Test
  void mergingPartsEqualsOnePass() {
    GlobalCmvn whole = new GlobalCmvn(2);
    whole.accumulate(A);
    whole.accumulate(B);
    GlobalCmvn p1 = new GlobalCmvn(2);
    p1.accumulate(A);
    GlobalCmvn p2 = new GlobalCmvn(2);
    p2.accumulate(B);
    p1.merge(p2);
    assertThat(p1.mean()).containsExactly(whole.mean());
    assertThat(p1.inverseStd()).containsExactly(whole.inverseStd());
  }

  @Test
  void applyNormalisesToZeroMeanUnitVariance() {
    GlobalCmvn c = new GlobalCmvn(2);
    float[][] x = {{1, 2}, {3, 6}, {5, 10}};
    c.accumulate(x);
    c.apply(x);
    double m0 = (x[0][0] + x[1][0] + x[2][0]) / 3;
    double v0 = (x[0][0] * x[0][0] + x[1][0] * x[1][0] + x[2][0] * x[2][0]) / 3;
    assertThat(m0).isCloseTo(0, offset(1e-6));
    assertThat(v0).isCloseTo(1, offset(1e-6));
  }

  @Test
  void readsWenetFileWithIntegerFrameCount() throws Exception {
    Path file = Files.writeString(tmp.resolve("cmvn.json"),
        "{\"mean_stat\": [2, 4], \"var_stat\": [4, 16], \"frame_num\": 2}");
    assertThat(GlobalCmvn.read(file).mean()).containsExactly(1.0, 2.0);
  }

  @Test
  void malformedFilesNameTheFileAndField() throws Exception {
    Path missingField = Files.writeString(tmp.resolve("a.json"), "{\"mean_stat\": [1], \"frame_num\": 1}");
    assertThatThrownBy(() -> GlobalCmvn.read(missingField)).isInstanceOf(InputException.class)
        .hasMessageContaining("a.json").hasMessageContaining("var_stat");
    Path badNumber = Files.writeString(tmp.resolve("b.json"),
        "{\"mean_stat\": [1, \"x\"], \"var_stat\": [1, 1], \"frame_num\": 1}");
    assertThatThrownBy(() -> GlobalCmvn.read(badNumber)).hasMessageContaining("b.json")
        .hasMessageContaining("mean_stat[1]");
    Path notJson = Files.writeString(tmp.resolve("c.json"), "{oops");
    assertThatThrownBy(() -> GlobalCmvn.read(notJson)).hasMessageContaining("c.json")
        .hasMessageContaining("not a valid global_cmvn JSON");
    assertThatThrownBy(() -> GlobalCmvn.read(tmp.resolve("none.json"))).hasMessageContaining("none.json")
        .hasMessageContaining("not found");
  }
}
