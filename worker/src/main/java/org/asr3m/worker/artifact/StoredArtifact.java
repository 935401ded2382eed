package org.asr3m.worker.artifact;

/** One object in the artefact store: its key, size in bytes and SHA-256 (lower-case hex). */
public record StoredArtifact(String key, long size, String sha256) {}
