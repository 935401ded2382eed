package org.asr3m.worker.run;

import java.util.Map;

/**
 * A run as the worker reads it from the runs table.
 *
 * @param testData test set name → location (a local directory or {@code store:<prefix>}), in order
 * @param maxEpochs override of the recipe's max_epoch for the train stage (0 = the recipe's)
 * @param maxSteps stop the train stage after this many updates (0 = no limit)
 */
public record RunRecord(long id, String name, RunStatus status, String recipe, String trainData, String devData,
    Map<String, String> testData, int maxEpochs, long maxSteps, String workerId, Long jobExecutionId,
    boolean cancelRequested) {}
