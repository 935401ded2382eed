package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Conformer encoder: global CMVN → Conv2d subsampling ×4 (+ positional table) → N Conformer blocks
 * → final LayerNorm. The CMVN statistics are stored as non-trainable parameters so a checkpoint
 * carries its own normalisation.
 */
public final class ConformerEncoder extends Layer {
  private final EncoderConfig config;
  private final Parameter cmvnMean;
  private final Parameter cmvnIstd;
  private final Conv2dSubsampling4 embed;
  private final List<ConformerBlock> blocks = new ArrayList<>();
  private final Norm afterNorm;

  /** Output of one encoder pass. */
  public record Output(NDArray out, NDArray mask, List<NDArray> intermediates) {
    /** Frames per utterance after subsampling, (B,). */
    public NDArray lengths() {
      return mask.squeeze(1).toType(ai.djl.ndarray.types.DataType.INT64, false).sum(new int[] {1});
    }
  }

  /** A dense Conformer encoder (feed-forward modules are plain FFNs). */
  public ConformerEncoder(EncoderConfig c) {
    this(c, i -> new FeedForward(c.outputSize(), c.linearUnits(), c.dropoutRate(), FeedForward.Act.SWISH),
        i -> new FeedForward(c.outputSize(), c.linearUnits(), c.dropoutRate(), FeedForward.Act.SWISH));
  }

  /**
   * @param feedForward builds the second FFN of block i (0-based)
   * @param macaron builds the first (macaron) FFN of block i
   */
  public ConformerEncoder(EncoderConfig c, IntFunction<PositionwiseModule> feedForward,
      IntFunction<PositionwiseModule> macaron) {
    this.config = c;
    Container cmvn = addChildBlock("global_cmvn", new Container());
    cmvnMean = cmvn.buffer("mean", c.inputDim(), 0f);
    cmvnIstd = cmvn.buffer("istd", c.inputDim(), 1f);
    embed = addChildBlock("embed", new Conv2dSubsampling4(c.inputDim(), c.outputSize(), c.inputLayerChannels(),
        c.positionalDropoutRate()));
    Container encoders = addChildBlock("encoders", new Container());
    for (int i = 0; i < c.numBlocks(); i++) {
      RelPositionAttention att = new RelPositionAttention(c.attentionHeads(), c.outputSize(), c.attentionDropoutRate());
      ConvolutionModule conv = c.useCnnModule()
          ? new ConvolutionModule(c.outputSize(), c.cnnModuleKernel(), c.cnnModuleLayerNorm(), c.causal()) : null;
      blocks.add(encoders.add(Integer.toString(i), new ConformerBlock(c.outputSize(), att, feedForward.apply(i),
          c.macaronStyle() ? macaron.apply(i) : null, conv, c.dropoutRate())));
    }
    afterNorm = addChildBlock("after_norm", new Norm(c.outputSize()));
  }

  public EncoderConfig config() {
    return config;
  }

  public List<ConformerBlock> blocks() {
    return blocks;
  }

  /** Sets the CMVN used inside the network (mean and 1/σ per feature dimension). */
  public void setCmvn(org.asr3m.features.GlobalCmvn stats) {
    InPlaceCopy.copy(cmvnMean.getArray(), toFloat(stats.mean()));
    InPlaceCopy.copy(cmvnIstd.getArray(), toFloat(stats.inverseStd()));
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  /** Global CMVN with the statistics stored in the model. */
  private NDArray normalize(ParameterStore ps, NDArray feats, boolean training) {
    return feats.sub(value(ps, cmvnMean, feats, training)).mul(value(ps, cmvnIstd, feats, training));
  }

  /** Multiply-accumulates for one utterance of {@code frames} feature frames (attention products included). */
  public long macs(long frames) {
    long t = Conv2dSubsampling4.outputLength(frames);
    long m = embed.macs(frames);
    for (ConformerBlock b : blocks) {
      // q·kᵀ, q·pᵀ and attn·v: 3 products of T×T×D
      m += b.macsPerFrame() * t + 3L * t * t * config.outputSize();
    }
    return m;
  }

  /**
   * @param feats (B, T, F) features
   * @param featLens (B,) valid frames per utterance
   * @param chunkSize 0 for full context, otherwise the streaming chunk size in subsampled frames
   * @param leftChunks chunks of left context in streaming mode (negative = all)
   * @param capture 1-based block indices whose outputs to return (for multi-level decoders)
   */
  public Output forward(ParameterStore ps, NDArray feats, NDArray featLens, EncoderContext ctx, boolean training,
      int chunkSize, int leftChunks, int... capture) {
    long t = feats.getShape().get(1);
    NDArray x = normalize(ps, feats, training);
    NDArray mask = Masks.padding(featLens.toDevice(feats.getDevice(), false), t);
    NDList emb = embed.forward(ps, x, mask, 0, training);
    x = emb.get(0);
    NDArray pos = emb.get(1);
    NDArray maskPad = emb.get(2);
    NDArray attMask = maskPad;
    long tt = x.getShape().get(1);
    if (chunkSize == 0 && training && config.useDynamicChunk()) {
      int[] chunk = DynamicChunk.draw(x.getManager(), tt, config.useDynamicLeftChunk());
      chunkSize = chunk[0];
      leftChunks = chunk[1];
    }
    boolean chunked = chunkSize > 0 && chunkSize < tt;
    if (chunked) {
      attMask = maskPad.logicalAnd(Masks.chunk(x.getManager(), tt, chunkSize, leftChunks, x.getDevice()).expandDims(0));
    }
    if (!training && unpadded(featLens, t)) {
      // every frame is real (one utterance, as a recogniser serves it): masking with an all-true mask
      // changes nothing and costs about 15 small operators per block; training batches are padded
      attMask = chunked ? attMask : null;
      ctx.maskPad(null);
    } else {
      ctx.maskPad(maskPad);
    }
    AttentionMask blockMask = AttentionMask.of(attMask, x.getDataType());
    List<NDArray> intermediates = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(ps, x, blockMask, pos, ctx, training);
      for (int c : capture) {
        if (c == i + 1) {
          intermediates.add(x);
        }
      }
    }
    return new Output(afterNorm.forward(ps, x, training), maskPad, intermediates);
  }

  private static boolean unpadded(NDArray featLens, long frames) {
    for (long n : featLens.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray()) {
      if (n != frames) {
        return false;
      }
    }
    return true;
  }

  /** Input frames one streaming chunk of {@code chunkSize} encoder frames needs: (c − 1)·4 + 7. */
  public static int chunkWindow(int chunkSize) {
    return (chunkSize - 1) * 4 + 7;
  }

  /** Input frames between the starts of consecutive chunks: 4·c (windows overlap by the 3 context frames). */
  public static int chunkHop(int chunkSize) {
    return chunkSize * 4;
  }

  /** Streaming state of one utterance: encoder frames emitted so far and each block's cache. */
  public static final class StreamState {
    private long offset;
    private List<ConformerBlock.Cache> caches = new ArrayList<>();

    /** Moves the cached arrays to {@code m} (they outlive the chunk that computed them). */
    public void attach(ai.djl.ndarray.NDManager m) {
      for (ConformerBlock.Cache c : caches) {
        for (NDArray a : new NDArray[] {c.keys(), c.values(), c.conv()}) {
          if (a != null) {
            a.attach(m);
          }
        }
      }
    }
  }

  /**
   * Streaming inference (WeNet's forward_chunk): encodes the next chunk from its window of input
   * frames, attending to the cached keys of the last {@code leftChunks} chunks (negative = all
   * earlier frames) and continuing the causal convolutions from their caches. Fed windows of
   * {@link #chunkWindow} frames every {@link #chunkHop} frames, the outputs concatenated equal the
   * full-utterance forward with the same chunk mask when the convolutions are causal.
   *
   * @param window (1, W, F) features of this chunk's window
   * @return (1, C, D) encoder output of the chunk
   */
  public NDArray forwardChunk(ParameterStore ps, NDArray window, StreamState state, int chunkSize, int leftChunks,
      EncoderContext ctx) {
    NDArray x = normalize(ps, window, false);
    NDArray all = x.getManager().ones(new ai.djl.ndarray.types.Shape(1, 1, x.getShape().get(1)),
        ai.djl.ndarray.types.DataType.BOOLEAN, x.getDevice());
    NDList emb = embed.forward(ps, x, all, state.offset, false);
    x = emb.get(0);
    long t = x.getShape().get(1);
    ctx.maskPad(emb.get(2));
    long cached = state.caches.isEmpty() || state.caches.get(0).keys() == null ? 0
        : state.caches.get(0).keys().getShape().get(2);
    NDArray keyPositions = PositionalEncoding.table(x.getManager(), x.getDevice(), state.offset - cached, cached + t,
        config.outputSize()).toType(x.getDataType(), false);
    List<ConformerBlock.Cache> next = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      ConformerBlock.Cache c = state.caches.isEmpty() ? ConformerBlock.Cache.EMPTY : state.caches.get(i);
      ConformerBlock.ChunkOutput o = blocks.get(i).forwardChunk(ps, x, keyPositions, ctx, c);
      x = o.out();
      next.add(trim(o.cache(), leftChunks < 0 ? -1 : (long) leftChunks * chunkSize));
    }
    state.offset += t;
    state.caches = next;
    return afterNorm.forward(ps, x, false);
  }

  /** Keeps the last {@code frames} cached keys/values (negative = all): the left context of the next chunk. */
  private static ConformerBlock.Cache trim(ConformerBlock.Cache c, long frames) {
    long p = c.keys().getShape().get(2);
    if (frames < 0 || p <= frames) {
      return c;
    }
    if (frames == 0) {
      return new ConformerBlock.Cache(null, null, c.conv());
    }
    String tail = ":, :, " + (p - frames) + ":, :";
    return new ConformerBlock.Cache(c.keys().get(tail), c.values().get(tail), c.conv());
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    Output o = forward(ps, in.get(0), in.get(1), new EncoderContext(), training, 0, -1);
    return new NDList(o.out(), o.mask());
  }
}
