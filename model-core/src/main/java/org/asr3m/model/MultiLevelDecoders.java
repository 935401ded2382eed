package org.asr3m.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.loss.JointLoss;
import org.asr3m.loss.LabelSmoothingLoss;
import org.asr3m.nn.AttentionDecoder;
import org.asr3m.nn.BiTransformerDecoder;
import org.asr3m.nn.Container;
import org.asr3m.nn.DecoderConfig;
import org.asr3m.nn.Layer;
import org.asr3m.nn.TransformerDecoder;

/**
 * The "multi-level" of 3M (§3.3): separate attention decoders on the outputs of intermediate
 * encoder blocks (1/3 and 2/3 of the depth by default), so lower layers get grapheme information
 * early. They add AED terms to eq. (11) during training and are not used at inference.
 */
public final class MultiLevelDecoders extends Layer {
  private final List<AttentionDecoder> decoders = new ArrayList<>();
  private final int[] levels;

  /** @param levels 1-based encoder blocks whose outputs the decoders read */
  public MultiLevelDecoders(DecoderConfig config, int[] levels) {
    this.levels = levels.clone();
    Container c = addChildBlock("decoders", new Container());
    for (int i = 0; i < levels.length; i++) {
      decoders.add(c.add(Integer.toString(i), config.bidirectional() ? new BiTransformerDecoder(config)
          : new TransformerDecoder(config, config.numBlocks())));
    }
  }

  public int[] levels() {
    return levels.clone();
  }

  /**
   * AED loss of each level.
   *
   * @param intermediates encoder outputs at {@link #levels()}, in order
   */
  public List<NDArray> losses(ParameterStore ps, List<NDArray> intermediates, NDArray mask, DecoderTargets t,
      LabelSmoothingLoss criterion, float reverseWeight, boolean training) {
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < decoders.size(); i++) {
      AttentionDecoder d = decoders.get(i);
      NDArray l2r = criterion.loss(d.forward(ps, intermediates.get(i), mask, t.ysIn(), t.ysInLens(), training), t.ysOut());
      NDArray r2l = d.bidirectional() && reverseWeight > 0
          ? criterion.loss(d.forwardReverse(ps, intermediates.get(i), mask, t.rysIn(), t.ysInLens(), training), t.rysOut())
          : null;
      out.add(JointLoss.attention(l2r, r2l, reverseWeight));
    }
    return out;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("multi-level decoders only produce training losses; see losses()");
  }
}
