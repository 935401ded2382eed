package org.asr3m.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What went into final/: the average of the epochs with the lowest dev loss (WeNet's and the paper's
 * model averaging), or, when that average scores worse on dev than the best of those epochs alone,
 * that epoch. Averaging pays once the epochs sit near one minimum (40 epochs of run.sh: 17.5 % test CER
 * against 19.6 % for the last epoch); after a few epochs of a model still improving fast it lands
 * between them and costs CER (the capacity run of 8 epochs: 7 to 12 points). Both candidates are
 * scored with the criterion that chose the epochs, so nothing but dev decides. Written to
 * final/selection.json.
 *
 * @param averagedEpochs the epochs averaged, best first
 * @param averageDev the average's dev criterion (NaN when a single epoch was averaged: nothing to compare)
 * @param bestEpoch the epoch with the lowest dev criterion
 * @param bestDev that epoch's dev criterion
 * @param criterion what the numbers are: "ctc" (dev CTC loss) or "loss" (the whole dev loss)
 */
public record FinalSelection(List<Integer> averagedEpochs, double averageDev, int bestEpoch, double bestDev,
    String criterion) {
  public static final String FILE = "selection.json";

  /** Whether final/ holds the average (else the best epoch alone). Ties keep it; a NaN score does not. */
  public boolean keptAverage() {
    return averagedEpochs.size() == 1 || averageDev <= bestDev;
  }

  /** One line for logs. */
  public String describe() {
    if (averagedEpochs.size() == 1) {
      return "final/ = epoch " + bestEpoch + " (average_num 1)";
    }
    String scores = String.format("dev %s %.4f averaged, %.4f for epoch %d alone", criterion, averageDev, bestDev,
        bestEpoch);
    return keptAverage()
        ? "final/ = average of epochs " + averagedEpochs + " (" + scores + ")"
        : "final/ = epoch " + bestEpoch + " alone: the average of epochs " + averagedEpochs + " was worse on dev ("
            + scores + ")";
  }

  void write(Path finalDir) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("criterion", criterion);
    json.put("averaged_epochs", averagedEpochs);
    json.put("average_dev", Double.isNaN(averageDev) ? null : averageDev);
    json.put("best_epoch", bestEpoch);
    json.put("best_dev", bestDev);
    json.put("kept", keptAverage() ? "average" : "best_epoch");
    Files.writeString(finalDir.resolve(FILE),
        JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }
}
