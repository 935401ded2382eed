package org.asr3m.platform.result;

import java.util.List;

/**
 * The CER comparison in the style of the 3M paper's Tables 1–2: one row per run, one column per
 * test set × decoding mode. {@code cells} of every row are aligned with {@code columns}.
 *
 * @param baseline the run every relative change is measured against (null: none chosen)
 */
public record CompareTable(Long baseline, List<Column> columns, List<Row> rows) {

  /** A test set × decoding mode, with the lowest CER in it and the run(s) that reached it. */
  public record Column(String key, String testSet, String mode, Double bestCer, List<Long> bestRuns) {}

  /**
   * One run (or, in a sweep, a planned point not launched yet: run null, status PLANNED).
   *
   * @param label the sweep point's label (null outside sweeps)
   * @param parameters model parameters (null until the train stage counted them)
   * @param flopsPerSecond FLOPs per second of audio
   */
  public record Row(Long run, String name, String label, Long experiment, String modelType, Integer experts,
      Long parameters, Double flopsPerSecond, String status, boolean baseline, List<Cell> cells) {}

  /**
   * CER in percent (null: no result yet); {@code changePct} = 100 × (cer − baseline) / baseline,
   * negative when better than the baseline row; {@code best}: lowest in its column.
   */
  public record Cell(String testSet, String mode, Double cer, Double changePct, boolean best, Long refChars,
      Long substitutions, Long deletions, Long insertions, Integer utterances) {}
}
