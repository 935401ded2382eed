package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * Self-attention with relative positional terms as WeNet's RelPositionMultiHeadedAttention:
 * score = ((q + u)·kᵀ + (q + v)·pᵀ) / √d with p = linear_pos(pos_emb) and learned biases u, v
 * (Transformer-XL). Like WeNet it omits the rel-shift, which does not help speech recognition.
 */
public final class RelPositionAttention extends MultiHeadAttention {
  private final Dense linearPos;
  private final Parameter posBiasU;
  private final Parameter posBiasV;

  public RelPositionAttention(int heads, int dim, float dropout) {
    super(heads, dim, dropout);
    linearPos = addChildBlock("linear_pos", new Dense(dim, dim, false));
    float bound = (float) Math.sqrt(6.0 / (heads + headDim)); // xavier_uniform_ as WeNet
    posBiasU = param("pos_bias_u", Parameter.Type.WEIGHT, new Shape(heads, headDim), new UniformInitializer(bound));
    posBiasV = param("pos_bias_v", Parameter.Type.WEIGHT, new Shape(heads, headDim), new UniformInitializer(bound));
  }

  @Override
  public long projectionMacs() {
    return super.projectionMacs() + linearPos.macs();
  }

  /**
   * @param posEmb (1, T, D) positional embedding of the key positions
   */
  public NDArray forward(ParameterStore ps, NDArray x, AttentionMask mask, NDArray posEmb, boolean training) {
    NDArray k = heads(linearK.forward(ps, x, training));
    NDArray v = heads(linearV.forward(ps, x, training));
    return attend(ps, x, k, v, mask, posEmb, training);
  }

  /**
   * Streaming inference on one chunk (WeNet's att_cache): the keys and values of earlier frames
   * come from the cache, so each frame is projected once per utterance.
   *
   * @param x (1, C, D) the chunk
   * @param posEmb (1, P + C, D) positional table of the keys (cached and new)
   * @param cachedK (1, H, P, d) keys of the earlier frames, or null at the start
   * @param cachedV (1, H, P, d) their values, or null
   * @return the output (1, C, D), then the keys and values of cache + chunk
   */
  public NDList forwardChunk(ParameterStore ps, NDArray x, NDArray posEmb, NDArray cachedK, NDArray cachedV) {
    NDArray k = heads(linearK.forward(ps, x, false));
    NDArray v = heads(linearV.forward(ps, x, false));
    if (cachedK != null) {
      k = cachedK.concat(k, 2);
      v = cachedV.concat(v, 2);
    }
    return new NDList(attend(ps, x, k, v, null, posEmb, false), k, v);
  }

  private NDArray attend(ParameterStore ps, NDArray x, NDArray k, NDArray v, AttentionMask mask, NDArray posEmb,
      boolean training) {
    NDArray q = heads(linearQ.forward(ps, x, training));
    NDArray p = heads(linearPos.forward(ps, posEmb, training)); // (1, H, T, d)
    NDArray u = scoped(value(ps, posBiasU, x, training).reshape(1, heads, 1, headDim), x);
    NDArray w = scoped(value(ps, posBiasV, x, training).reshape(1, heads, 1, headDim), x);
    NDArray kt = k.transpose(0, 1, 3, 2);
    NDArray ac = q.add(u).matMul(kt);
    NDArray bd = q.add(w).matMul(p.transpose(0, 1, 3, 2));
    NDArray scores = Ops.div(ac.add(bd), Math.sqrt(headDim));
    return attend(ps, v, scores, mask, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    AttentionMask mask = AttentionMask.of(in.get(1), in.get(0).getDataType());
    return new NDList(forward(ps, in.get(0), mask, in.get(2), training));
  }
}
