package org.asr3m.worker.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;

/** The reasons stored for failed stages read as sentences, never as bare stack traces. */
class FailureReasonTest {

  @Test
  void inputErrorsKeepTheirFileAndLine() {
    var e = new RuntimeException("wrapped", new InputException(Path.of("data/train/text"), 7, "line without an id"));
    assertThat(FailureReason.of(e)).startsWith("bad input: ").contains("data/train/text").contains("7")
        .contains("line without an id");
  }

  @Test
  void outOfMemorySaysWhatRanOutAndWhatToChange() {
    String r = FailureReason.of(new IllegalStateException("stage", new OutOfMemoryError("Java heap space")));
    assertThat(r).containsIgnoringCase("heap").contains("-Xmx");
  }

  @Test
  void otherFailuresGiveTheCauseChainWithoutFrames() {
    String r = FailureReason.of(new IllegalStateException("cannot store checkpoint /x",
        new java.io.IOException("No space left on device")));
    assertThat(r).isEqualTo("cannot store checkpoint /x <- IOException: No space left on device");
    assertThat(r).doesNotContain("at org.");
  }
}
