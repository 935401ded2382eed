package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * 1-D or 2-D convolution with a square kernel (torch.nn.Conv1d / Conv2d layout: weight is
 * (out, in / groups, k[, k])), PyTorch's default initialisation.
 */
public final class Conv extends Layer {
  private final Parameter weight;
  private final Parameter bias;
  private final int dims;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final int groups;
  private final int in;
  private final int out;

  public Conv(int dims, int in, int out, int kernel, int stride, int padding, int groups, boolean withBias) {
    if (dims != 1 && dims != 2) {
      throw new IllegalArgumentException("only 1-D and 2-D convolutions are supported");
    }
    this.dims = dims;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.groups = groups;
    this.in = in;
    this.out = out;
    int fanIn = in / groups * (dims == 1 ? kernel : kernel * kernel);
    float bound = (float) (1.0 / Math.sqrt(fanIn));
    Shape shape = dims == 1 ? new Shape(out, in / groups, kernel) : new Shape(out, in / groups, kernel, kernel);
    weight = param("weight", Parameter.Type.WEIGHT, shape, new UniformInitializer(bound));
    bias = withBias ? param("bias", Parameter.Type.BIAS, new Shape(out), new UniformInitializer(bound)) : null;
  }

  /** Multiply-accumulates per output position. */
  public long macs() {
    return (long) out * (in / groups) * (dims == 1 ? kernel : kernel * kernel);
  }

  public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
    NnpackSwitch.ensureOff(); // before libtorch's first convolution, so it never prints its NNPACK warning
    NDArray w = value(ps, weight, x, training);
    NDArray b = bias == null ? null : value(ps, bias, x, training);
    if (dims == 1) {
      return Conv1d.conv1d(x, w, b, new Shape(stride), new Shape(padding), new Shape(1), groups).head();
    }
    return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups)
        .head();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.head(), training));
  }
}
