package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** WeNet's bidirectional decoder: a left-to-right and a right-to-left {@link TransformerDecoder}. */
public final class BiTransformerDecoder extends Layer implements AttentionDecoder {
  private final TransformerDecoder left;
  private final TransformerDecoder right;

  public BiTransformerDecoder(DecoderConfig c) {
    if (c.rNumBlocks() < 1) {
      throw new IllegalArgumentException("decoder_conf.r_num_blocks must be >= 1 for a bitransformer decoder");
    }
    left = addChildBlock("left_decoder", new TransformerDecoder(c, c.numBlocks()));
    right = addChildBlock("right_decoder", new TransformerDecoder(c, c.rNumBlocks()));
  }

  @Override
  public NDArray forward(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray ysIn, NDArray ysInLens,
      boolean training) {
    return left.forward(ps, memory, memoryMask, ysIn, ysInLens, training);
  }

  @Override
  public NDArray forwardReverse(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray rysIn,
      NDArray ysInLens, boolean training) {
    return right.forward(ps, memory, memoryMask, rysIn, ysInLens, training);
  }

  @Override
  public boolean bidirectional() {
    return true;
  }

  @Override
  public long macs(long tokens, long memoryFrames) {
    return left.macs(tokens, memoryFrames) + right.macs(tokens, memoryFrames);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.get(0), in.get(1), in.get(2), in.get(3), training));
  }
}
