package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * One Conformer block with pre-norm residuals (3M paper eq. 1–4, WeNet's ConformerEncoderLayer):
 * x̂ = x + ½·FFN_macaron(x); x̃ = x̂ + MHSA(x̂); x̄ = x̃ + Conv(x̃); y = LN(x̄ + ½·FFN(x̄)).
 * Either feed-forward slot may hold an MoE layer ({@link PositionwiseModule}); the 3M model
 * replaces the second one.
 */
public final class ConformerBlock extends Layer {
  private final RelPositionAttention selfAttn;
  private final PositionwiseModule feedForward;
  private final PositionwiseModule feedForwardMacaron;
  private final ConvolutionModule convModule;
  private final Norm normFf;
  private final Norm normMha;
  private final Norm normFfMacaron;
  private final Norm normConv;
  private final Norm normFinal;
  private final float dropout;
  private final float ffScale;

  /**
   * @param feedForwardMacaron first (macaron) FFN, or null for a non-macaron block
   * @param convModule convolution module, or null for a plain Transformer block
   */
  public ConformerBlock(int dim, RelPositionAttention selfAttn, PositionwiseModule feedForward,
      PositionwiseModule feedForwardMacaron, ConvolutionModule convModule, float dropout) {
    this.selfAttn = addChildBlock("self_attn", selfAttn);
    this.feedForward = addChildBlock("feed_forward", feedForward);
    this.feedForwardMacaron = feedForwardMacaron == null ? null
        : addChildBlock("feed_forward_macaron", feedForwardMacaron);
    this.convModule = convModule == null ? null : addChildBlock("conv_module", convModule);
    this.normFf = addChildBlock("norm_ff", new Norm(dim));
    this.normMha = addChildBlock("norm_mha", new Norm(dim));
    this.normFfMacaron = feedForwardMacaron == null ? null : addChildBlock("norm_ff_macaron", new Norm(dim));
    this.normConv = convModule == null ? null : addChildBlock("norm_conv", new Norm(dim));
    this.normFinal = convModule == null ? null : addChildBlock("norm_final", new Norm(dim));
    this.dropout = dropout;
    this.ffScale = feedForwardMacaron == null ? 1f : 0.5f;
  }

  public PositionwiseModule feedForward() {
    return feedForward;
  }

  public PositionwiseModule feedForwardMacaron() {
    return feedForwardMacaron;
  }

  /** Multiply-accumulates per frame, excluding the length-dependent attention products. */
  public long macsPerFrame() {
    long m = selfAttn.projectionMacs() + feedForward.activeMacsPerFrame();
    if (feedForwardMacaron != null) {
      m += feedForwardMacaron.activeMacsPerFrame();
    }
    if (convModule != null) {
      m += convModule.macsPerFrame();
    }
    return m;
  }

  /**
   * @param attMask (B, 1, T) padding mask or (B, T, T) chunk ∧ padding mask; null when nothing is masked
   * @param posEmb (1, T, D)
   */
  public NDArray forward(ParameterStore ps, NDArray x, AttentionMask attMask, NDArray posEmb, EncoderContext ctx,
      boolean training) {
    return residuals(ps, x, ctx, training, h -> selfAttn.forward(ps, h, attMask, posEmb, training),
        h -> convModule.forward(ps, h, ctx.keepPad(h.getDataType()), training));
  }

  /**
   * The block's residual structure (eq. 1–4) around the given self-attention and convolution, so
   * full-utterance and streaming passes share it and cannot drift apart.
   */
  private NDArray residuals(ParameterStore ps, NDArray x, EncoderContext ctx, boolean training,
      UnaryOperator<NDArray> attention, UnaryOperator<NDArray> convolution) {
    if (feedForwardMacaron != null) {
      NDArray h = feedForwardMacaron.forward(ps, normFfMacaron.forward(ps, x, training), ctx, training);
      x = x.add(Ops.mul(drop(h, training), ffScale));
    }
    x = x.add(drop(attention.apply(normMha.forward(ps, x, training)), training));
    if (convModule != null) {
      x = x.add(drop(convolution.apply(normConv.forward(ps, x, training)), training));
    }
    NDArray f = feedForward.forward(ps, normFf.forward(ps, x, training), ctx, training);
    x = x.add(Ops.mul(drop(f, training), ffScale));
    return normFinal == null ? x : normFinal.forward(ps, x, training);
  }

  /**
   * What a block keeps between streaming chunks: attention keys/values of the visible left context
   * (1, H, P, d) and the causal convolution's last k − 1 inputs (null where not used).
   */
  public record Cache(NDArray keys, NDArray values, NDArray conv) {
    public static final Cache EMPTY = new Cache(null, null, null);
  }

  /** Output of {@link #forwardChunk}: the block output and its cache after this chunk. */
  public record ChunkOutput(NDArray out, Cache cache) {}

  /**
   * Streaming inference on one chunk: the same computation as {@link #forward} with the chunk's
   * queries attending to cached keys (all of them: the encoder trims the cache to the left context).
   *
   * @param posEmb (1, P + C, D) positional table of the keys
   */
  public ChunkOutput forwardChunk(ParameterStore ps, NDArray x, NDArray posEmb, EncoderContext ctx, Cache cache) {
    NDList[] att = new NDList[1]; // output, keys, values
    NDArray[] conv = new NDArray[1];
    NDArray out = residuals(ps, x, ctx, false, h -> {
      att[0] = selfAttn.forwardChunk(ps, h, posEmb, cache.keys(), cache.values());
      return att[0].get(0);
    }, h -> {
      NDList c = convModule.forwardChunk(ps, h, cache.conv());
      conv[0] = c.get(1);
      return c.get(0);
    });
    return new ChunkOutput(out, new Cache(att[0].get(1), att[0].get(2), conv[0]));
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.apply(x, dropout) : x;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    EncoderContext ctx = new EncoderContext();
    ctx.maskPad(in.get(1));
    return new NDList(forward(ps, in.get(0), AttentionMask.of(in.get(1), in.get(0).getDataType()), in.get(2), ctx,
        training));
  }
}
