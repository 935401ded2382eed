package org.asr3m.platform.run;

import java.time.OffsetDateTime;

/**
 * A run in lists: state, what it trains, where it is.
 *
 * @param currentStage the stage running now (or the first not done: failed or pending); null when all are done
 * @param progress overall progress 0..1 (finished stages plus the running one's share)
 * @param etaSeconds estimated seconds left in the current stage (from the worker), if known
 */
public record RunSummary(long id, Long experimentId, String name, String status, String modelType, Integer numExperts,
    Long seed, String workerId, String device, int attempts, boolean cancelRequested, String failureReason,
    String currentStage, double progress, Double etaSeconds, Long parameters, Double flopsPerSecond,
    OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {}
