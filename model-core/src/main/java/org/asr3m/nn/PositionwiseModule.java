package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What a Conformer block's feed-forward slots accept: a dense {@link FeedForward} or a
 * mixture-of-experts layer that routes each frame (and may read the routing embedding and record
 * auxiliary losses through the context).
 */
public interface PositionwiseModule extends Block {
  NDArray forward(ParameterStore ps, NDArray x, EncoderContext ctx, boolean training);

  /** Multiply-accumulates actually executed per frame (one expert for a top-1 MoE). */
  long activeMacsPerFrame();
}
