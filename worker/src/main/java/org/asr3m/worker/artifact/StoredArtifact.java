package org.asr3m.worker.artifact;

/**
 * One object in the artefact store: its key, size in bytes and SHA-256 (lower-case hex). The hash
 * is null only for an S3 object written behind the store's back (no {@code x-amz-meta-sha256});
 * reading such an object fails with {@link ArtifactIntegrityException}.
 */
public record StoredArtifact(String key, long size, String sha256) {}
