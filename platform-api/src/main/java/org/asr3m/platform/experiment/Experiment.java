package org.asr3m.platform.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.run.RunSummary;

/**
 * An experiment: a recipe with its data sets, and its runs.
 *
 * @param recipe the recipe as submitted (YAML); only in the single-experiment view
 * @param latestRun the newest run, or null
 * @param bestCer per test set: the lowest CER over the experiment's runs and decoding modes
 * @param runs every run, newest first; only in the single-experiment view
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Experiment(long id, String name, String description, List<String> tags, String modelType,
    Integer numExperts, String trainSet, String devSet, List<String> testSets, boolean archived,
    OffsetDateTime createdAt, OffsetDateTime updatedAt, int runCount, RunSummary latestRun,
    Map<String, BestCer> bestCer, String recipe, List<RunSummary> runs) {

  /** The best result on one test set: CER (percent), with the decoding mode and run that reached it. */
  public record BestCer(double cer, String mode, long runId) {}
}
