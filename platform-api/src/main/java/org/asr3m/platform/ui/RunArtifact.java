package org.asr3m.platform.ui;

import java.time.OffsetDateTime;

/**
 * One row of a run's artifacts table: what a stage published to the artefact store.
 *
 * @param kind checkpoint, units, cmvn, hypotheses, cer, expert_stats, log
 * @param url where to download it (streamed from the store)
 */
public record RunArtifact(long id, String stage, String kind, String key, long size, String sha256,
    OffsetDateTime createdAt, String url) {}
