package org.asr3m.platform.run;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Everything about one run: its state, its stages, its results, and what reproduces it.
 *
 * @param recipe the fully resolved recipe (YAML) the worker trains
 * @param trainData location of the train set (a local directory or store:prefix); devData likewise
 * @param testData test set name → location
 * @param dataFingerprints data set → SHA-256 fingerprint (written by the worker)
 * @param versions project version, git commit, JVM, DJL, PyTorch (written by the worker)
 * @param maxEpochs override of the recipe's max_epoch (0 = the recipe's); maxSteps likewise (0 = no limit)
 */
public record RunDetail(long id, Long experimentId, String name, String status, String modelType, Integer numExperts,
    Long seed, String workerId, String device, int attempts, boolean cancelRequested, String failureReason,
    String currentStage, double progress, Double etaSeconds, Long parameters, Double flopsPerSecond,
    OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime leaseExpiresAt,
    String recipe, String trainData, String devData, Map<String, String> testData, Map<String, Object> dataFingerprints,
    Map<String, Object> versions, int maxEpochs, long maxSteps, List<StageView> stages, List<ResultRow> results) {}
