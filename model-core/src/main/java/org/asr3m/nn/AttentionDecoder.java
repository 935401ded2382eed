package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * An attention decoder: left-to-right only ({@link TransformerDecoder}, recipe
 * {@code decoder: transformer}) or WeNet's bidirectional variant ({@link BiTransformerDecoder},
 * {@code decoder: bitransformer}) whose right-to-left score is mixed in with {@code reverse_weight}.
 */
public interface AttentionDecoder extends Block {
  /**
   * @param memory encoder output (B, T, D)
   * @param memoryMask (B, 1, T)
   * @param ysIn (B, L) input tokens starting with sos, padded with eos
   * @param ysInLens (B,) lengths of ysIn
   * @return left-to-right logits (B, L, V)
   */
  NDArray forward(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray ysIn, NDArray ysInLens,
      boolean training);

  /** Right-to-left logits for reversed targets (bidirectional decoders only). */
  NDArray forwardReverse(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray rysIn, NDArray ysInLens,
      boolean training);

  boolean bidirectional();

  /** Multiply-accumulates to score {@code tokens} tokens against {@code memoryFrames} encoder frames. */
  long macs(long tokens, long memoryFrames);
}
