package org.asr3m.model;

import ai.djl.ndarray.NDArray;

/**
 * A padded mini-batch on the model's device.
 *
 * @param feats (B, T, F) features
 * @param featLens (B,) frames per utterance
 * @param targets (B, L) token ids padded with −1
 * @param targetLens (B,) tokens per utterance
 */
public record Batch(NDArray feats, NDArray featLens, NDArray targets, NDArray targetLens) {}
