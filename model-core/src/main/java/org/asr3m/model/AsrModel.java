package org.asr3m.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.loss.CtcLoss;
import org.asr3m.loss.JointLoss;
import org.asr3m.loss.LabelSmoothingLoss;
import java.util.function.IntFunction;
import org.asr3m.moe.EmbeddingNetwork;
import org.asr3m.moe.MoeFeedForward;
import org.asr3m.moe.MoeLoss;
import org.asr3m.moe.MoeRouting;
import org.asr3m.nn.AttentionDecoder;
import org.asr3m.nn.EncoderConfig;
import org.asr3m.nn.FeedForward;
import org.asr3m.nn.PositionwiseModule;
import org.asr3m.nn.BiTransformerDecoder;
import org.asr3m.nn.ConformerEncoder;
import org.asr3m.nn.Conv2dSubsampling4;
import org.asr3m.nn.CtcHead;
import org.asr3m.nn.EncoderContext;
import org.asr3m.nn.Layer;
import org.asr3m.nn.TransformerDecoder;
import org.asr3m.recipe.Recipe;

/**
 * CTC/attention encoder-decoder (the "multi-loss" of 3M): a Conformer encoder shared by a CTC
 * head and an attention decoder, trained with η·L_ctc + (1 − η)·L_aed. Parameter paths match
 * WeNet's ({@code encoder.…}, {@code decoder.…}, {@code ctc.ctc_lo.…}).
 */
public final class AsrModel extends Layer {
  private final Recipe recipe;
  private final ConformerEncoder encoder;
  private final AttentionDecoder decoder;
  private final CtcHead ctc;
  private final LabelSmoothingLoss attentionLoss;
  private final int sosEos;
  private final EmbeddingNetwork embedding;
  private final MultiLevelDecoders multiLevel;

  public AsrModel(Recipe recipe) {
    org.asr3m.nn.MklDispatch.ensureApplied(); // before MKL's first matrix product
    this.recipe = recipe;
    int vocab = recipe.vocab();
    this.sosEos = vocab - 1;
    Recipe.MoeConf moe = recipe.moe();
    EncoderConfig ec = recipe.encoder();
    if (moe == null) {
      this.encoder = addChildBlock("encoder", new ConformerEncoder(ec));
    } else {
      int embDim = moe.embeddingRouter() ? recipe.embedding().outputSize() : 0;
      MoeFeedForward.Gating gating = moe.topKSoftmax() ? MoeFeedForward.Gating.TOP_K_SOFTMAX
          : MoeFeedForward.Gating.PROBABILITY;
      IntFunction<PositionwiseModule> dense = i -> new FeedForward(ec.outputSize(), ec.linearUnits(), ec.dropoutRate(),
          FeedForward.Act.SWISH);
      java.util.function.BiFunction<Integer, String, PositionwiseModule> expertsAt = (i, slot) -> new MoeFeedForward(
          "encoders." + i + "." + slot, ec.outputSize(), moe.expertUnits(), moe.numExperts(), moe.topK(), embDim, gating,
          ec.dropoutRate());
      this.encoder = addChildBlock("encoder", new ConformerEncoder(ec, i -> expertsAt.apply(i, "feed_forward"),
          moe.secondOnly() ? dense : i -> expertsAt.apply(i, "feed_forward_macaron")));
    }
    this.decoder = addChildBlock("decoder", recipe.decoder().bidirectional()
        ? new BiTransformerDecoder(recipe.decoder()) : new TransformerDecoder(recipe.decoder(), recipe.decoder().numBlocks()));
    this.ctc = addChildBlock("ctc", new CtcHead(recipe.encoder().outputSize(), vocab, recipe.model().ctcDropoutRate()));
    this.attentionLoss = new LabelSmoothingLoss(vocab, recipe.model().lsmWeight(), recipe.model().lengthNormalizedLoss());
    this.embedding = recipe.embedding() == null ? null
        : addChildBlock("embedding", new EmbeddingNetwork(recipe.embedding(), vocab, recipe.model().ctcDropoutRate()));
    this.multiLevel = recipe.decoderLevels().length == 0 ? null
        : addChildBlock("multi_level", new MultiLevelDecoders(recipe.decoder(), recipe.decoderLevels()));
  }

  /**
   * Builds the model of {@code recipe} with its weights allocated in {@code manager} and drawn
   * from a generator seeded with {@code seed} (so a recipe always starts from the same weights).
   */
  public static AsrModel create(Recipe recipe, ai.djl.ndarray.NDManager manager, long seed) {
    org.asr3m.nn.NativeHeap.ensureTuned(); // before the first activations are allocated
    AsrModel model = new AsrModel(recipe);
    ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
    model.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1));
    return model;
  }

  public Recipe recipe() {
    return recipe;
  }

  public ConformerEncoder encoder() {
    return encoder;
  }

  public AttentionDecoder decoder() {
    return decoder;
  }

  public CtcHead ctc() {
    return ctc;
  }

  public int sosEos() {
    return sosEos;
  }

  public EmbeddingNetwork embedding() {
    return embedding;
  }

  /** The encoder pass with whatever the model needs around it (the routing embedding for MoE layers). */
  public Encoded encode(ParameterStore ps, NDArray feats, NDArray featLens, boolean training, int chunkSize,
      int leftChunks, int... capture) {
    EncoderContext ctx = new EncoderContext();
    ConformerEncoder.Output emb = null;
    if (embedding != null) {
      emb = embedding.forward(ps, feats, featLens, training, chunkSize, leftChunks);
      ctx.routingEmbedding(emb.out());
    }
    return new Encoded(encoder.forward(ps, feats, featLens, ctx, training, chunkSize, leftChunks, capture), emb, ctx);
  }

  /**
   * Streaming encoder pass over one utterance, chunk by chunk with caches (WeNet's
   * forward_chunk_by_chunk): each chunk of {@code chunkSize} encoder frames is computed from its
   * window of input frames only, so the result is what a live recogniser would have after the
   * last chunk. The embedding network (3M) streams alongside and routes each chunk's MoE layers.
   * Each chunk's intermediates live in a sub-manager closed after the chunk; only the outputs and
   * the caches are kept.
   *
   * @param feats (1, T, F) the utterance's features
   */
  public Encoded encodeStreaming(ParameterStore ps, NDArray feats, int chunkSize, int leftChunks) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("streaming needs a chunk size > 0, got " + chunkSize);
    }
    NDManager utt = feats.getManager();
    long frames = feats.getShape().get(1);
    int window = ConformerEncoder.chunkWindow(chunkSize);
    int hop = ConformerEncoder.chunkHop(chunkSize);
    ConformerEncoder.StreamState state = new ConformerEncoder.StreamState();
    ConformerEncoder.StreamState embState = new ConformerEncoder.StreamState();
    EncoderContext all = new EncoderContext();
    NDList outs = new NDList();
    NDList embOuts = new NDList();
    // a window yields encoder frames only from 7 input frames on (the subsampling's receptive field)
    for (long start = 0; Conv2dSubsampling4.outputLength(frames - start) > 0; start += hop) {
      try (NDManager chunk = utt.newSubManager()) {
        NDArray w = feats.get(new NDIndex(":, {}:{}, :", start, Math.min(start + window, frames)));
        w.attach(chunk);
        // the previous caches die with this chunk; the new ones are moved out at its end
        state.attach(chunk);
        embState.attach(chunk);
        EncoderContext ctx = new EncoderContext();
        if (embedding != null) {
          NDArray e = embedding.encoder().forwardChunk(ps, w, embState, chunkSize, leftChunks, new EncoderContext());
          ctx.routingEmbedding(e);
          e.attach(utt);
          embOuts.add(e);
          embState.attach(utt);
        }
        NDArray o = encoder.forwardChunk(ps, w, state, chunkSize, leftChunks, ctx);
        o.attach(utt);
        outs.add(o);
        state.attach(utt);
        for (MoeRouting r : ctx.reports(MoeRouting.class)) {
          r.probs().attach(utt);
          r.valid().attach(utt);
          all.report(r);
        }
      }
    }
    if (outs.isEmpty()) {
      throw new IllegalArgumentException("an utterance of " + frames + " frames is too short for one encoder frame");
    }
    NDArray out = NDArrays.concat(outs, 1);
    NDArray mask = utt.ones(new Shape(1, 1, out.getShape().get(1)), DataType.BOOLEAN, out.getDevice());
    ConformerEncoder.Output emb = embOuts.isEmpty() ? null
        : new ConformerEncoder.Output(NDArrays.concat(embOuts, 1), mask, List.of());
    all.maskPad(mask);
    return new Encoded(new ConformerEncoder.Output(out, mask, List.of()), emb, all);
  }

  /**
   * One encoder pass.
   *
   * @param output the encoder's output
   * @param embedding the embedding network's output (null without one)
   * @param context what the MoE layers reported
   */
  public record Encoded(ConformerEncoder.Output output, ConformerEncoder.Output embedding, EncoderContext context) {
    public List<MoeRouting> routing() {
      return context.reports(MoeRouting.class);
    }
  }

  /**
   * Training/validation losses for a batch: eq. (12), L = L_MoE + L_joint, where L_joint is eq. (11)
   * over the main and the multi-level decoders and L_MoE is eq. (10) (absent for a dense model).
   */
  public Losses loss(ParameterStore ps, Batch batch, boolean training) {
    Encoded encoded = encode(ps, batch.feats(), batch.featLens(), training, 0, -1,
        multiLevel == null ? new int[0] : multiLevel.levels());
    ConformerEncoder.Output enc = encoded.output();
    float eta = recipe.model().ctcWeight();
    NDArray ctcLoss = null;
    if (eta > 0) {
      ctcLoss = CtcLoss.loss(ctc.logits(ps, enc.out(), training), enc.lengths(), batch.targets(), batch.targetLens());
    }
    List<NDArray> levels = new ArrayList<>();
    NDArray acc = null;
    if (eta < 1) {
      DecoderTargets t = DecoderTargets.of(batch.targets(), batch.targetLens(), sosEos);
      NDArray logits = decoder.forward(ps, enc.out(), enc.mask(), t.ysIn(), t.ysInLens(), training);
      NDArray l2r = attentionLoss.loss(logits, t.ysOut());
      NDArray r2l = null;
      float rw = recipe.model().reverseWeight();
      if (decoder.bidirectional() && rw > 0) {
        r2l = attentionLoss.loss(decoder.forwardReverse(ps, enc.out(), enc.mask(), t.rysIn(), t.ysInLens(), training),
            t.rysOut());
      }
      levels.add(JointLoss.attention(l2r, r2l, rw));
      acc = LabelSmoothingLoss.accuracy(logits, t.ysOut());
      if (multiLevel != null) {
        levels.addAll(multiLevel.losses(ps, enc.intermediates(), enc.mask(), t, attentionLoss, rw, training));
      }
    }
    NDArray total = JointLoss.combine(eta, ctcLoss, levels);
    Recipe.MoeConf moe = recipe.moe();
    MoeLoss moeLoss = null;
    NDArray embCtc = null;
    if (moe != null) {
      embCtc = embedding != null && moe.gamma() > 0
          ? embedding.ctcLoss(ps, encoded.embedding(), batch.targets(), batch.targetLens(), training) : null;
      moeLoss = MoeLoss.of(encoded.routing(), embCtc, moe.alpha(), moe.beta(), moe.gamma());
      if (moeLoss.total() != null) {
        total = total.add(moeLoss.total());
      }
    }
    Losses losses = new Losses(total, encoded.routing()).term("ctc", ctcLoss)
        .term("att", levels.isEmpty() ? null : levels.get(0)).term("acc", acc);
    for (int i = 1; i < levels.size(); i++) {
      losses.term("att_level" + i, levels.get(i));
    }
    if (moeLoss != null) {
      losses.term("moe_ls", moeLoss.sparsity()).term("moe_lm", moeLoss.importance()).term("emb_ctc", embCtc);
    }
    return losses;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    Losses l = loss(ps, new Batch(in.get(0), in.get(1), in.get(2), in.get(3)), training);
    return new NDList(l.total());
  }
}
