package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * Affine map on the last axis, y = x Wᵀ + b, with W of shape (out, in) as torch.nn.Linear.
 * Initialised like PyTorch (uniform ±1/√in) so training behaves as in WeNet.
 */
public final class Dense extends Layer {
  private final Parameter weight;
  private final Parameter bias;
  private final int in;
  private final int out;

  public Dense(int in, int out, boolean withBias) {
    this.in = in;
    this.out = out;
    float bound = (float) (1.0 / Math.sqrt(in));
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), new UniformInitializer(bound));
    bias = withBias ? param("bias", Parameter.Type.BIAS, new Shape(out), new UniformInitializer(bound)) : null;
  }

  public Dense(int in, int out) {
    this(in, out, true);
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** Multiply-accumulates per input row (for FLOP counting). */
  public long macs() {
    return (long) in * out;
  }

  public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
    return affine(ps, x, value(ps, weight, x, training), bias, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.head(), training));
  }

}
