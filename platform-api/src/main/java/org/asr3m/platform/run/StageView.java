package org.asr3m.platform.run;

import java.time.OffsetDateTime;

/**
 * One stage of a run.
 *
 * @param stage featurePrep, embeddingPretrain, baseTrain, train or evaluate
 * @param status PENDING, RUNNING, COMPLETED, REUSED, SKIPPED or FAILED
 * @param progress 0..1
 * @param etaSeconds the worker's estimate of the seconds left in this stage
 * @param outputPrefix where its outputs are in the artefact store (another run's when reused)
 * @param reusedFromRun the earlier run whose outputs were linked (status REUSED)
 * @param message why skipped, failed, or what was reused
 */
public record StageView(String stage, int ordinal, String status, Double progress, Double etaSeconds,
    String inputHash, String outputPrefix, Long reusedFromRun, String message, OffsetDateTime startedAt,
    OffsetDateTime finishedAt, OffsetDateTime updatedAt) {}
