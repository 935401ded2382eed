package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
      // as a 2-D convolution over (T, 1) with a (K, 1) kernel: the same sums, but libtorch 2.7 runs the
      // Conformer's depthwise conv1d (groups = channels) 2-4 times slower than this form
      return Conv2d.conv2d(x.expandDims(3), scoped(w.expandDims(3), x), b, new Shape(stride, 1), new Shape(padding, 0),
          new Shape(1, 1), groups).head().squeeze(3);
    }
    return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups)
        .head();
  }

  /**
   * This kernel-1 1-D convolution applied to x in (B, T, in) layout, giving (B, T, out): the same
   * product as a linear layer, which it runs as (libtorch 2.7 computes a kernel-1 conv1d at batch 1
   * through im2col and a GEMM, 1.7× a linear layer's time, and the caller saves two transposes).
   */
  public NDArray pointwise(ParameterStore ps, NDArray x, boolean training) {
    if (dims != 1 || kernel != 1 || stride != 1 || padding != 0 || groups != 1) {
      throw new IllegalStateException("pointwise() needs a kernel-1 1-D convolution without padding or groups");
    }
    return affine(ps, x, scoped(value(ps, weight, x, training).reshape(out, in), x), bias, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.head(), training));
  }
}
