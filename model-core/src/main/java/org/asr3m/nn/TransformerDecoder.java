package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Left-to-right Transformer attention decoder (WeNet's TransformerDecoder): token embedding +
 * absolute positional encoding, N pre-norm layers, final LayerNorm and output projection.
 */
public final class TransformerDecoder extends Layer implements AttentionDecoder {
  private final DecoderConfig config;
  private final Embedding embed;
  private final List<TransformerDecoderLayer> layers = new ArrayList<>();
  private final Norm afterNorm;
  private final Dense outputLayer;

  public TransformerDecoder(DecoderConfig c, int numBlocks) {
    this.config = c;
    Container embedSeq = addChildBlock("embed", new Container());
    embed = embedSeq.add("0", new Embedding(c.vocabSize(), c.dim()));
    Container decoders = addChildBlock("decoders", new Container());
    for (int i = 0; i < numBlocks; i++) {
      layers.add(decoders.add(Integer.toString(i), new TransformerDecoderLayer(c)));
    }
    afterNorm = addChildBlock("after_norm", new Norm(c.dim()));
    outputLayer = addChildBlock("output_layer", new Dense(c.dim(), c.vocabSize()));
  }

  @Override
  public long macs(long tokens, long memoryFrames) {
    long m = 0;
    for (TransformerDecoderLayer l : layers) {
      m += l.macsPerToken(tokens, memoryFrames) * tokens + l.memoryMacsPerFrame() * memoryFrames;
    }
    return m + outputLayer.macs() * tokens;
  }

  @Override
  public NDArray forward(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray ysIn, NDArray ysInLens,
      boolean training) {
    long len = ysIn.getShape().get(1);
    NDArray tgtMask = Masks.padding(ysInLens, len)
        .logicalAnd(Masks.subsequent(ysIn.getManager(), len, ysIn.getDevice()).expandDims(0));
    NDArray x = PositionalEncoding.addAbsolute(embed.forward(ps, ysIn, training), 0);
    if (training && config.positionalDropoutRate() > 0) {
      x = Dropout.apply(x, config.positionalDropoutRate());
    }
    AttentionMask self = AttentionMask.of(tgtMask, x.getDataType());
    AttentionMask source = AttentionMask.of(memoryMask, x.getDataType());
    for (TransformerDecoderLayer layer : layers) {
      x = layer.forward(ps, x, self, memory, source, training);
    }
    return outputLayer.forward(ps, afterNorm.forward(ps, x, training), training);
  }

  @Override
  public NDArray forwardReverse(ParameterStore ps, NDArray memory, NDArray memoryMask, NDArray rysIn,
      NDArray ysInLens, boolean training) {
    throw new IllegalStateException("decoder is not bidirectional: use decoder: bitransformer with r_num_blocks > 0");
  }

  @Override
  public boolean bidirectional() {
    return false;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.get(0), in.get(1), in.get(2), in.get(3), training));
  }
}
