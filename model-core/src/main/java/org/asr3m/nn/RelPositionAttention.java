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
  public NDArray forward(ParameterStore ps, NDArray x, NDArray mask, NDArray posEmb, boolean training) {
    NDArray q = heads(linearQ.forward(ps, x, training));
    NDArray k = heads(linearK.forward(ps, x, training));
    NDArray v = heads(linearV.forward(ps, x, training));
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
    return new NDList(forward(ps, in.get(0), in.get(1), in.get(2), training));
  }
}
