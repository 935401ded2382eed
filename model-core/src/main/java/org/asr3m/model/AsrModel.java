package org.asr3m.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.loss.CtcLoss;
import org.asr3m.loss.JointLoss;
import org.asr3m.loss.LabelSmoothingLoss;
import org.asr3m.nn.AttentionDecoder;
import org.asr3m.nn.BiTransformerDecoder;
import org.asr3m.nn.ConformerEncoder;
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

  public AsrModel(Recipe recipe) {
    this.recipe = recipe;
    int vocab = recipe.vocab();
    this.sosEos = vocab - 1;
    this.encoder = addChildBlock("encoder", new ConformerEncoder(recipe.encoder()));
    this.decoder = addChildBlock("decoder", recipe.decoder().bidirectional()
        ? new BiTransformerDecoder(recipe.decoder()) : new TransformerDecoder(recipe.decoder(), recipe.decoder().numBlocks()));
    this.ctc = addChildBlock("ctc", new CtcHead(recipe.encoder().outputSize(), vocab, recipe.encoder().dropoutRate()));
    this.attentionLoss = new LabelSmoothingLoss(vocab, recipe.model().lsmWeight(), recipe.model().lengthNormalizedLoss());
  }

  /**
   * Builds the model of {@code recipe} with its weights allocated in {@code manager} and drawn
   * from a generator seeded with {@code seed} (so a recipe always starts from the same weights).
   */
  public static AsrModel create(Recipe recipe, ai.djl.ndarray.NDManager manager, long seed) {
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

  /** Training/validation losses for a batch. */
  public Losses loss(ParameterStore ps, Batch batch, boolean training) {
    ConformerEncoder.Output enc = encoder.forward(ps, batch.feats(), batch.featLens(), new EncoderContext(), training,
        0, -1);
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
    }
    NDArray total = JointLoss.combine(eta, ctcLoss, levels);
    return new Losses(total).term("ctc", ctcLoss).term("att", levels.isEmpty() ? null : levels.get(0)).term("acc", acc);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    Losses l = loss(ps, new Batch(in.get(0), in.get(1), in.get(2), in.get(3)), training);
    return new NDList(l.total());
  }
}
