package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/** Layer normalisation over the last axis (torch.nn.LayerNorm, eps 1e-5 as WeNet). */
public final class Norm extends Layer {
  private static final float EPS = 1e-5f;
  private final Parameter weight;
  private final Parameter bias;
  private final int dim;

  public Norm(int dim) {
    this.dim = dim;
    weight = param("weight", Parameter.Type.GAMMA, new Shape(dim), new ConstantInitializer(1f));
    bias = param("bias", Parameter.Type.BETA, new Shape(dim), new ConstantInitializer(0f));
  }

  public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
    return LayerNorm.layerNorm(x, new Shape(dim), value(ps, weight, x, training), value(ps, bias, x, training), EPS)
        .head();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.head(), training));
  }
}
