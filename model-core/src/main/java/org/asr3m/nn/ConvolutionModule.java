package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Conformer convolution module: pointwise conv (2C) → GLU → depthwise conv (kernel K, same
 * padding) → LayerNorm or BatchNorm → Swish → pointwise conv. Padding frames are zeroed before
 * and after so they never leak into real frames through the kernel.
 */
public final class ConvolutionModule extends Layer {
  private final Conv pointwise1;
  private final Conv depthwise;
  private final Layer norm;
  private final Conv pointwise2;
  private final boolean layerNorm;
  private final boolean causal;
  private final int channels;
  private final int kernel;

  /** @param causal pad only on the left (k − 1 past frames) so no output depends on future frames */
  public ConvolutionModule(int channels, int kernel, boolean layerNorm, boolean causal) {
    if (kernel % 2 == 0 && !causal) {
      throw new IllegalArgumentException("cnn_module_kernel must be odd for symmetric padding, got " + kernel);
    }
    this.channels = channels;
    this.kernel = kernel;
    this.layerNorm = layerNorm;
    this.causal = causal;
    pointwise1 = addChildBlock("pointwise_conv1", new Conv(1, channels, 2 * channels, 1, 1, 0, 1, true));
    depthwise = addChildBlock("depthwise_conv", new Conv(1, channels, channels, kernel, 1,
        causal ? 0 : (kernel - 1) / 2, channels, true));
    norm = addChildBlock("norm", layerNorm ? new Norm(channels) : new BatchNorm1d(channels));
    pointwise2 = addChildBlock("pointwise_conv2", new Conv(1, channels, channels, 1, 1, 0, 1, true));
  }

  public long macsPerFrame() {
    return pointwise1.macs() + depthwise.macs() + pointwise2.macs();
  }

  /**
   * @param x (B, T, C)
   * @param keepPad (B, 1, T) 1 for real frames and 0 for padding in x's type ({@link EncoderContext#keepPad}),
   *     or null when every frame is real
   */
  public NDArray forward(ParameterStore ps, NDArray x, NDArray keepPad, boolean training) {
    NDArray keep = keepPad == null ? null : keepPad.transpose(0, 2, 1); // (B, T, 1)
    NDArray h = glu(ps, zeroPadding(x, keep), training).transpose(0, 2, 1); // (B, C, T) for the depthwise conv
    if (causal) {
      h = NDArrays.concat(new NDList(leftZeros(h), h), 2);
    }
    return zeroPadding(afterGlu(ps, h, training), keep);
  }

  /** One broadcasting product instead of where's explicit broadcasts (the frames are finite). */
  private static NDArray zeroPadding(NDArray h, NDArray keep) {
    return keep == null ? h : h.mul(keep);
  }

  /**
   * Streaming inference on one chunk (WeNet's cnn_cache). A causal module continues from the last
   * k − 1 GLU outputs of the earlier chunks, which makes chunk-by-chunk output equal the
   * full-utterance one; a symmetric kernel cannot see the next chunk and pads it with zeros, as
   * WeNet does.
   *
   * @param x (1, D, C) the chunk of D frames
   * @param cache (1, C, k − 1) from the previous chunk, or null at the start
   * @return the output (1, D, C) and the cache for the next chunk (null when not causal)
   */
  public NDList forwardChunk(ParameterStore ps, NDArray x, NDArray cache) {
    NDArray h = glu(ps, x, false).transpose(0, 2, 1);
    NDArray next = null;
    if (causal && kernel > 1) {
      h = NDArrays.concat(new NDList(cache != null ? cache : leftZeros(h), h), 2);
      long t = h.getShape().get(2);
      next = h.get(":, :, {}:", t - (kernel - 1));
    }
    return new NDList(afterGlu(ps, h, false), next);
  }

  /** Pointwise conv to 2C and GLU, in (B, T, C) layout. */
  private NDArray glu(ParameterStore ps, NDArray x, boolean training) {
    NDList halves = pointwise1.pointwise(ps, x, training).split(2, 2);
    return halves.get(0).mul(Activation.sigmoid(halves.get(1)));
  }

  private NDArray leftZeros(NDArray h) {
    return h.getManager().zeros(new ai.djl.ndarray.types.Shape(h.getShape().get(0), channels, kernel - 1),
        h.getDataType(), h.getDevice());
  }

  /**
   * Depthwise convolution of h (B, C, T), input already padded when causal → norm → Swish →
   * pointwise, returned as (B, T, C).
   */
  private NDArray afterGlu(ParameterStore ps, NDArray h, boolean training) {
    h = depthwise.forward(ps, h, training);
    if (layerNorm) {
      h = ((Norm) norm).forward(ps, h.transpose(0, 2, 1), training);
    } else {
      h = ((BatchNorm1d) norm).forward(ps, h, training).transpose(0, 2, 1);
    }
    return pointwise2.pointwise(ps, Ops.swish(h), training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.get(0), in.get(1).toType(in.get(0).getDataType(), false), training));
  }
}
