package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Front-end of the encoder: two 3×3 stride-2 convolutions with ReLU (4× fewer frames), a linear
 * map of channels×frequency to the model dimension, scaling by √d and the positional table.
 * Output length follows WeNet: T' = ((T − 1) / 2 − 1) / 2 (integer division); the mask is
 * subsampled as {@code mask[:, :, 2::2][:, :, 2::2]}.
 *
 * <p>The convolutions have {@code channels} channels. WeNet uses the model dimension d, which makes
 * the second convolution the largest cost of a small model: 9·d² multiply-accumulates at each of 19
 * frequency positions (80 mel bins) per output frame, 171·d², against about 24·d² for a whole
 * macaron Conformer block with d_ff = 4d; with 4 blocks it is about 60 % of the encoder's work.
 * Fewer channels cut that quadratically (icefall's Conformer front-end uses 8, 32 and 128).
 */
public final class Conv2dSubsampling4 extends Layer {
  private final Conv conv0;
  private final Conv conv2;
  private final Dense out;
  private final int dim;
  private final int featDim;
  private final float dropout;

  /** @param channels of both convolutions (WeNet: {@code dim}) */
  public Conv2dSubsampling4(int featDim, int dim, int channels, float dropout) {
    this.dim = dim;
    this.featDim = featDim;
    this.dropout = dropout;
    Container conv = addChildBlock("conv", new Container());
    conv0 = conv.add("0", new Conv(2, 1, channels, 3, 2, 0, 1, true));
    conv2 = conv.add("2", new Conv(2, channels, channels, 3, 2, 0, 1, true));
    Container outSeq = addChildBlock("out", new Container());
    out = outSeq.add("0", new Dense(channels * subsampledFreq(featDim), dim));
  }

  static int subsampledFreq(int featDim) {
    return ((featDim - 1) / 2 - 1) / 2;
  }

  /** WeNet's output length for {@code frames} input frames. */
  public static long outputLength(long frames) {
    return frames < 7 ? 0 : ((frames - 1) / 2 - 1) / 2;
  }

  /** Multiply-accumulates for {@code frames} input frames. */
  public long macs(long frames) {
    long t1 = (frames - 3) / 2 + 1;
    long f1 = (featDim - 3) / 2 + 1;
    long t2 = outputLength(frames);
    long f2 = subsampledFreq(featDim);
    return conv0.macs() * t1 * f1 + conv2.macs() * t2 * f2 + out.macs() * t2;
  }

  /** @return x (B, T', D) scaled, positional table (1, T', D) and the subsampled mask (B, 1, T') */
  public NDList forward(ParameterStore ps, NDArray x, NDArray mask, long offset, boolean training) {
    NDArray h = Activation.relu(conv0.forward(ps, x.expandDims(1), training));
    h = Activation.relu(conv2.forward(ps, h, training)); // (B, C, T', F')
    long b = h.getShape().get(0);
    long t = h.getShape().get(2);
    h = h.transpose(0, 2, 1, 3).reshape(b, t, -1);
    h = Ops.mul(out.forward(ps, h, training), Math.sqrt(dim));
    NDArray pos = PositionalEncoding.table(h.getManager(), h.getDevice(), offset, t, dim).toType(h.getDataType(), false);
    if (training && dropout > 0) {
      h = Dropout.apply(h, dropout);
      pos = Dropout.apply(pos, dropout);
    }
    NDArray m = mask.get(":, :, 2::2").get(":, :, 2::2");
    return new NDList(h, pos, m);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return forward(ps, in.get(0), in.get(1), 0, training);
  }
}
