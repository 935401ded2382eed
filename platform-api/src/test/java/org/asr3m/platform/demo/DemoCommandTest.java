package org.asr3m.platform.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.worker.TinyCorpus;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void shortRunsAverageOneEpochPerFourAndLongRunsTheRecipesNumber() throws Exception {
    Path file = TinyCorpus.repoRoot().resolve("recipes/tiny-cmn/conformer.yaml");
    String recipe = Files.readString(file);
    assertThat(recipe).contains("average_num: 5");
    assertThat(DemoCommand.averageNum(file, recipe, 2)).isEqualTo(1);
    assertThat(DemoCommand.averageNum(file, recipe, 4)).isEqualTo(1);
    assertThat(DemoCommand.averageNum(file, recipe, 12)).isEqualTo(3);
    assertThat(DemoCommand.averageNum(file, recipe, 40)).isEqualTo(5);
  }
}
