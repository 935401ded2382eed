package org.asr3m.worker.run;

import java.util.Arrays;

/** The stages of a run in the order of the 3m-asr recipe chain; the names are the Spring Batch step names. */
public enum Stage {
  FEATURE_PREP("featurePrep"),
  EMBEDDING_PRETRAIN("embeddingPretrain"),
  BASE_TRAIN("baseTrain"),
  TRAIN("train"),
  EVALUATE("evaluate");

  private final String stepName;

  Stage(String stepName) {
    this.stepName = stepName;
  }

  /** The step name, also used in artefact keys and database rows. */
  public String stepName() {
    return stepName;
  }

  public static Stage ofStep(String name) {
    return Arrays.stream(values()).filter(s -> s.stepName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown stage '" + name + "'"));
  }
}
