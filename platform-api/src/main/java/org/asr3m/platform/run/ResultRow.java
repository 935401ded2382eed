package org.asr3m.platform.run;

/**
 * CER of a run on one test set with one decoding mode.
 *
 * @param cer percent
 * @param refChars N, the reference characters; correct, substitutions, deletions, insertions: C, S, D, I
 * @param rtf real-time factor of the decoding
 */
public record ResultRow(String testSet, String mode, double cer, long refChars, long correct, long substitutions,
    long deletions, long insertions, int utterances, Double rtf) {}
