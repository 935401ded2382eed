package org.asr3m.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class KaldiTextMatrixTest {
  @Test
  void writesKaldiTextArchiveLayout() throws Exception {
    StringWriter w = new StringWriter();
    KaldiTextMatrix.write(w, "utt1", new float[][] {{1f, 2.5f}, {-3f, 4f}});
    assertThat(w.toString()).isEqualTo("utt1  [\n  1.0 2.5 \n  -3.0 4.0 ]\n");
  }
}
