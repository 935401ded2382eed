package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Position-wise feed-forward: w_2(dropout(act(w_1 x))) — Swish in the Conformer, ReLU in the decoder. */
public final class FeedForward extends Layer implements PositionwiseModule {
  /** Activation between the two linear maps. */
  public enum Act { SWISH, RELU }

  private final Dense w1;
  private final Dense w2;
  private final Act act;
  private final float dropout;

  public FeedForward(int dim, int hidden, float dropout, Act act) {
    this.w1 = addChildBlock("w_1", new Dense(dim, hidden));
    this.w2 = addChildBlock("w_2", new Dense(hidden, dim));
    this.act = act;
    this.dropout = dropout;
  }

  public long macs() {
    return w1.macs() + w2.macs();
  }

  @Override
  public long activeMacsPerFrame() {
    return macs();
  }

  @Override
  public NDArray forward(ParameterStore ps, NDArray x, EncoderContext ctx, boolean training) {
    return forward(ps, x, training);
  }

  public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
    NDArray h = w1.forward(ps, x, training);
    h = act == Act.SWISH ? Ops.swish(h) : Activation.relu(h);
    if (training && dropout > 0) {
      h = Dropout.apply(h, dropout);
    }
    return w2.forward(ps, h, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.head(), training));
  }
}
