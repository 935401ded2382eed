package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.asr3m.loss.CtcLoss;
import org.asr3m.nn.ConformerEncoder;
import org.asr3m.nn.CtcHead;
import org.asr3m.nn.EncoderConfig;
import org.asr3m.nn.EncoderContext;
import org.asr3m.nn.Layer;

/**
 * The shared embedding network of SpeechMoE/3M: a small dense Conformer encoder with its own CTC
 * head. Its output e feeds every router; it is pretrained with CTC as a stage of its own (the
 * encoder and CTC head of a plain {@code model: conformer} recipe, loaded with
 * {@code --init-embedding}), and its CTC loss stays in the MoE objective as L_e. Its subsampling
 * matches the main encoder's, so e has one vector per encoder frame.
 */
public final class EmbeddingNetwork extends Layer {
  private final ConformerEncoder encoder;
  private final CtcHead ctc;

  /** @param ctcDropout dropout before its CTC projection (model_conf.ctc_dropout_rate, as the main head) */
  public EmbeddingNetwork(EncoderConfig config, int vocab, float ctcDropout) {
    encoder = addChildBlock("encoder", new ConformerEncoder(config));
    ctc = addChildBlock("ctc", new CtcHead(config.outputSize(), vocab, ctcDropout));
  }

  public ConformerEncoder encoder() {
    return encoder;
  }

  public int dim() {
    return encoder.config().outputSize();
  }

  /** Multiply-accumulates of the encoder for {@code frames} feature frames (its CTC head is a training loss only). */
  public long macs(long frames) {
    return encoder.macs(frames);
  }

  public ConformerEncoder.Output forward(ParameterStore ps, NDArray feats, NDArray featLens, boolean training,
      int chunkSize, int leftChunks) {
    return encoder.forward(ps, feats, featLens, new EncoderContext(), training, chunkSize, leftChunks);
  }

  /** L_e: CTC loss of the embedding network's own head. */
  public NDArray ctcLoss(ParameterStore ps, ConformerEncoder.Output out, NDArray targets, NDArray targetLens,
      boolean training) {
    return CtcLoss.loss(ctc.logits(ps, out.out(), training), out.lengths(), targets, targetLens);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, in.get(0), in.get(1), training, 0, -1).out());
  }
}
