package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention (WeNet's MultiHeadedAttention): used for the decoder's
 * self- and source-attention; the encoder uses {@link RelPositionAttention}.
 */
public class MultiHeadAttention extends Layer {
  protected final Dense linearQ;
  protected final Dense linearK;
  protected final Dense linearV;
  protected final Dense linearOut;
  protected final int heads;
  protected final int headDim;
  private final float dropout;

  public MultiHeadAttention(int heads, int dim, float dropout) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException("attention dim " + dim + " is not divisible by " + heads + " heads");
    }
    this.heads = heads;
    this.headDim = dim / heads;
    this.dropout = dropout;
    linearQ = addChildBlock("linear_q", new Dense(dim, dim));
    linearK = addChildBlock("linear_k", new Dense(dim, dim));
    linearV = addChildBlock("linear_v", new Dense(dim, dim));
    linearOut = addChildBlock("linear_out", new Dense(dim, dim));
  }

  /** Multiply-accumulates of the four projections per frame (score/context terms depend on length). */
  public long projectionMacs() {
    return linearQ.macs() + linearK.macs() + linearV.macs() + linearOut.macs();
  }

  /**
   * @param mask (B, 1, T2) or (B, T1, T2) keys that may be attended; null for none
   */
  public NDArray forward(ParameterStore ps, NDArray query, NDArray key, NDArray value, AttentionMask mask,
      boolean training) {
    NDArray q = heads(linearQ.forward(ps, query, training));
    NDArray k = heads(linearK.forward(ps, key, training));
    NDArray v = heads(linearV.forward(ps, value, training));
    NDArray scores = Ops.div(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(headDim));
    return attend(ps, v, scores, mask, training);
  }

  /** (B, T, H·d) → (B, H, T, d). */
  protected final NDArray heads(NDArray x) {
    long b = x.getShape().get(0);
    return x.reshape(b, -1, heads, headDim).transpose(0, 2, 1, 3);
  }

  protected final NDArray attend(ParameterStore ps, NDArray v, NDArray scores, AttentionMask mask,
      boolean training) {
    NDArray attn = mask == null ? scores.softmax(-1) : mask.softmax(scores);
    if (training && dropout > 0) {
      attn = Dropout.apply(attn, dropout);
    }
    NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3);
    long b = ctx.getShape().get(0);
    return linearOut.forward(ps, ctx.reshape(b, -1, (long) heads * headDim), training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    AttentionMask mask = in.size() > 3 ? AttentionMask.of(in.get(3), in.get(0).getDataType()) : null;
    return new NDList(forward(ps, in.get(0), in.get(1), in.get(2), mask, training));
  }
}
