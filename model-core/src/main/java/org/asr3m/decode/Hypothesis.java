package org.asr3m.decode;

/**
 * A decoded token sequence with its score.
 *
 * @param tokens unit ids (no blank, sos/eos)
 * @param ctcScore log P_ctc(tokens | x) summed over alignments (greedy: best path)
 * @param score the score it was ranked by (the CTC score, or the rescoring score)
 */
public record Hypothesis(int[] tokens, double ctcScore, double score) {}
