package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** Token embedding table (torch.nn.Embedding, N(0, 1) initialisation). */
public final class Embedding extends Layer {
  private final Parameter weight;

  public Embedding(int vocab, int dim) {
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(vocab, dim), new NormalInitializer(1f));
  }

  /** @param ids integer token ids of any shape; returns ids.shape × dim */
  public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
    NDArray w = value(ps, weight, ids, training);
    return scoped(w.getNDArrayInternal().embedding(ids.toType(DataType.INT64, false), w, SparseFormat.DENSE).head(), ids);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.head(), training));
  }
}
