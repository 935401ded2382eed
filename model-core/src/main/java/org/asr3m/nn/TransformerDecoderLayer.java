package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Pre-norm decoder layer: masked self-attention, attention over the encoder output, ReLU FFN. */
public final class TransformerDecoderLayer extends Layer {
  private final MultiHeadAttention selfAttn;
  private final MultiHeadAttention srcAttn;
  private final FeedForward feedForward;
  private final Norm norm1;
  private final Norm norm2;
  private final Norm norm3;
  private final float dropout;

  public TransformerDecoderLayer(DecoderConfig c) {
    selfAttn = addChildBlock("self_attn", new MultiHeadAttention(c.attentionHeads(), c.dim(), c.selfAttentionDropoutRate()));
    srcAttn = addChildBlock("src_attn", new MultiHeadAttention(c.attentionHeads(), c.dim(), c.srcAttentionDropoutRate()));
    feedForward = addChildBlock("feed_forward", new FeedForward(c.dim(), c.linearUnits(), c.dropoutRate(),
        FeedForward.Act.RELU));
    norm1 = addChildBlock("norm1", new Norm(c.dim()));
    norm2 = addChildBlock("norm2", new Norm(c.dim()));
    norm3 = addChildBlock("norm3", new Norm(c.dim()));
    dropout = c.dropoutRate();
  }

  /** Multiply-accumulates per target token, for {@code memoryFrames} encoder frames (K/V projections of the memory counted separately). */
  long macsPerToken(long tokens, long memoryFrames) {
    long d = selfAttn.headDim * (long) selfAttn.heads;
    return selfAttn.projectionMacs() + 2L * d * tokens // self-attention scores and context
        + 2L * d * d + 2L * d * memoryFrames // source attention q/out projections, scores, context
        + feedForward.macs();
  }

  /** Source-attention K and V projections over the encoder output. */
  long memoryMacsPerFrame() {
    long d = selfAttn.headDim * (long) selfAttn.heads;
    return 2L * d * d;
  }

  public NDArray forward(ParameterStore ps, NDArray x, AttentionMask tgtMask, NDArray memory,
      AttentionMask memoryMask, boolean training) {
    NDArray h = norm1.forward(ps, x, training);
    x = x.add(drop(selfAttn.forward(ps, h, h, h, tgtMask, training), training));
    h = norm2.forward(ps, x, training);
    x = x.add(drop(srcAttn.forward(ps, h, memory, memory, memoryMask, training), training));
    h = norm3.forward(ps, x, training);
    return x.add(drop(feedForward.forward(ps, h, training), training));
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.apply(x, dropout) : x;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    DataType type = in.get(0).getDataType();
    return new NDList(forward(ps, in.get(0), AttentionMask.of(in.get(1), type), in.get(2),
        AttentionMask.of(in.get(3), type), training));
  }
}
