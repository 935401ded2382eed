package org.asr3m.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.model.AsrModel;
import org.asr3m.moe.ExpertStats;
import org.asr3m.nn.ConformerEncoder;

/**
 * Batch decoding with a trained model: one batched encoder pass, CTC log-probabilities copied to
 * the host once, then per utterance greedy search, prefix beam search, or prefix beam search +
 * attention rescoring (the paper's decoding: "N-best by the CTC decoder, rescored by the attention
 * decoder").
 */
public final class Recognizer {
  /** WeNet's decoding mode names. */
  public enum Mode {
    CTC_GREEDY_SEARCH, CTC_PREFIX_BEAM_SEARCH, ATTENTION, ATTENTION_RESCORING;

    public static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(s.replace('-', '_'))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown decoding mode '" + s
          + "' (use ctc_greedy_search, ctc_prefix_beam_search or attention_rescoring)");
    }
  }

  /**
   * @param beam prefix beam size (N-best size for rescoring)
   * @param ctcWeight weight of the CTC score in rescoring
   * @param reverseWeight weight of the right-to-left decoder in rescoring
   * @param chunkSize decoding chunk size in encoder frames (0 = full context)
   * @param leftChunks left chunks visible in chunked decoding (negative = all)
   */
  public record Options(Mode mode, int beam, double ctcWeight, double reverseWeight, int chunkSize, int leftChunks) {
    public static final Options DEFAULT = new Options(Mode.ATTENTION_RESCORING, 10, 0.5, 0.0, 0, -1);
  }

  private final AsrModel model;
  private final Options options;

  public Recognizer(AsrModel model, Options options) {
    this.model = model;
    this.options = options;
  }

  public AsrModel model() {
    return model;
  }

  /** Best hypothesis per utterance of the batch. */
  public List<Hypothesis> decode(ParameterStore ps, NDArray feats, NDArray featLens) {
    return decode(ps, feats, featLens, null);
  }

  /**
   * Best hypothesis per utterance of the batch; MoE routing goes into {@code stats} when given.
   * With a chunk size the encoder streams each utterance chunk by chunk with caches
   * ({@link AsrModel#encodeStreaming}); otherwise one batched full-context pass.
   */
  public List<Hypothesis> decode(ParameterStore ps, NDArray feats, NDArray featLens, ExpertStats stats) {
    List<Hypothesis> out = new ArrayList<>();
    if (options.chunkSize() > 0) {
      long[] lens = featLens.toLongArray();
      for (int i = 0; i < lens.length; i++) {
        NDArray utt = feats.get(new NDIndex("{}:{}, :{}, :", i, i + 1, lens[i]));
        AsrModel.Encoded encoded = model.encodeStreaming(ps, utt, options.chunkSize(), options.leftChunks());
        out.addAll(search(ps, encoded, stats));
      }
      return out;
    }
    return search(ps, model.encode(ps, feats, featLens, false, 0, -1), stats);
  }

  private List<Hypothesis> search(ParameterStore ps, AsrModel.Encoded encoded, ExpertStats stats) {
    if (stats != null) {
      stats.add(encoded.routing());
    }
    ConformerEncoder.Output enc = encoded.output();
    NDArray logProbs = model.ctc().logits(ps, enc.out(), false).logSoftmax(2);
    long b = logProbs.getShape().get(0);
    int t = (int) logProbs.getShape().get(1);
    int v = (int) logProbs.getShape().get(2);
    float[] lp = logProbs.toType(DataType.FLOAT32, false).toFloatArray();
    long[] lens = enc.lengths().toLongArray();
    List<Hypothesis> out = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      float[] utt = java.util.Arrays.copyOfRange(lp, i * t * v, (i + 1) * t * v);
      int frames = (int) lens[i];
      switch (options.mode()) {
        case CTC_GREEDY_SEARCH -> out.add(CtcGreedy.decode(utt, frames, v));
        case CTC_PREFIX_BEAM_SEARCH -> out.add(CtcPrefixBeamSearch.search(utt, frames, v, options.beam()).get(0));
        case ATTENTION -> out.add(AttentionBeamSearch.search(ps, model.decoder(),
            enc.out().get(new NDIndex("{}:{}", i, i + 1)), enc.mask().get(new NDIndex("{}:{}", i, i + 1)),
            model.sosEos(), options.beam(), frames));
        case ATTENTION_RESCORING -> {
          List<Hypothesis> nbest = CtcPrefixBeamSearch.search(utt, frames, v, options.beam());
          NDArray mem = enc.out().get(new NDIndex("{}:{}", i, i + 1));
          NDArray mask = enc.mask().get(new NDIndex("{}:{}", i, i + 1));
          out.add(AttentionRescoring.rescore(ps, model.decoder(), mem, mask, nbest, model.sosEos(),
              options.ctcWeight(), options.reverseWeight()).get(0));
        }
        default -> throw new IllegalStateException("unhandled mode " + options.mode());
      }
    }
    return out;
  }
}
