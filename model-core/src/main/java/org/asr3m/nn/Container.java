package org.asr3m.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A named group of blocks with no computation of its own, used where WeNet nests modules
 * (e.g. {@code embed.conv.0}, {@code encoders.3}) so parameter paths keep WeNet's names.
 */
public final class Container extends Layer {
  public <B extends Block> B add(String name, B block) {
    return addChildBlock(name, block);
  }

  /** A non-trainable vector (a buffer in PyTorch terms), e.g. CMVN statistics. */
  public ai.djl.nn.Parameter buffer(String name, int dim, float init) {
    return addParameter(ai.djl.nn.Parameter.builder().setName(name).setType(ai.djl.nn.Parameter.Type.RUNNING_MEAN)
        .optShape(new ai.djl.ndarray.types.Shape(dim))
        .optInitializer(new ai.djl.training.initializer.ConstantInitializer(init)).optRequiresGrad(false).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("a Container only groups parameters; call its children");
  }
}
