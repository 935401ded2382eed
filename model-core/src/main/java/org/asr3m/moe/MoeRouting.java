package org.asr3m.moe;

import ai.djl.ndarray.NDArray;

/**
 * What one MoE layer reports for a forward pass: router probabilities for the auxiliary losses and
 * the expert chosen per real frame for the utilisation statistics.
 *
 * @param layer 0-based index of the Conformer block
 * @param probs (F, N) router probabilities of the F = B·T frames
 * @param valid (F,) 1 for real frames, 0 for padding (padding is excluded from the losses)
 * @param framesPerExpert frames routed to each expert (top-1 choice, real frames only)
 */
public record MoeRouting(String layer, NDArray probs, NDArray valid, long[] framesPerExpert) {}
