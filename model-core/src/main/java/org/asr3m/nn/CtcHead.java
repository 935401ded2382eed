package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * CTC output layer: a linear map to the vocabulary (WeNet's {@code ctc.ctc_lo}), after an optional
 * dropout ({@code model_conf.ctc_dropout_rate}, 0 by default as in WeNet and 3m-asr).
 */
public final class CtcHead extends Layer {
  private final Dense ctcLo;
  private final float dropout;

  public CtcHead(int dim, int vocab, float dropout) {
    ctcLo = addChildBlock("ctc_lo", new Dense(dim, vocab));
    this.dropout = dropout;
  }

  public long macsPerFrame() {
    return ctcLo.macs();
  }

  /** Unnormalised scores (B, T, V). */
  public NDArray logits(ParameterStore ps, NDArray encoderOut, boolean training) {
    NDArray x = training && dropout > 0 ? Dropout.apply(encoderOut, dropout) : encoderOut;
    return ctcLo.forward(ps, x, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(logits(ps, in.head(), training));
  }
}
