package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/** Batch normalisation over channels of (B, C, T) input (torch.nn.BatchNorm1d, momentum 0.1, eps 1e-5). */
public final class BatchNorm1d extends Layer {
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter runningMean;
  private final Parameter runningVar;

  public BatchNorm1d(int channels) {
    Shape s = new Shape(channels);
    weight = param("weight", Parameter.Type.GAMMA, s, new ConstantInitializer(1f));
    bias = param("bias", Parameter.Type.BETA, s, new ConstantInitializer(0f));
    runningMean = addParameter(Parameter.builder().setName("running_mean").setType(Parameter.Type.RUNNING_MEAN)
        .optShape(s).optInitializer(new ConstantInitializer(0f)).optRequiresGrad(false).build());
    runningVar = addParameter(Parameter.builder().setName("running_var").setType(Parameter.Type.RUNNING_VAR)
        .optShape(s).optInitializer(new ConstantInitializer(1f)).optRequiresGrad(false).build());
  }

  public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
    // DJL's momentum is the weight of the old running value (torch's 0.1 is DJL's 0.9)
    return BatchNorm.batchNorm(x, value(ps, runningMean, x, training), value(ps, runningVar, x, training),
        value(ps, weight, x, training), value(ps, bias, x, training), 1, 0.9f, 1e-5f, training).head();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.head(), training));
  }
}
