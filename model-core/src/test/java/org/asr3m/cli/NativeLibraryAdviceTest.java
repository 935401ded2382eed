package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.EngineException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class NativeLibraryAdviceTest {
  @Test
  void aBuildWithoutNativesSaysHowToGetThem() {
    // what DJL throws when no natives are bundled and downloads are off
    var e = new EngineException("Failed to load PyTorch native library",
        new EngineException("Failed to save pytorch index file", new IOException("Offline model is enabled.")));
    assertThat(NativeLibraryAdvice.of(e)).hasValueSatisfying(m -> assertThat(m)
        .contains("Offline model is enabled").contains("-Dai.djl.offline=false").contains("PYTORCH_LIBRARY_PATH")
        .contains("PYTORCH_FLAVOR=cu128").contains("without -Pcuda"));
  }

  @Test
  void aFailedTensorOperationIsNotAboutNatives() {
    assertThat(NativeLibraryAdvice.of(new EngineException("The size of tensor a (3) must match the size of tensor b (4)")))
        .isEmpty();
    assertThat(NativeLibraryAdvice.of(new IllegalStateException("x"))).isEmpty();
  }
}
