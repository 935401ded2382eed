package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.nn.Container;
import org.asr3m.nn.EncoderContext;
import org.asr3m.nn.FeedForward;
import org.asr3m.nn.Layer;
import org.asr3m.nn.PositionwiseModule;

/**
 * A mixture-of-experts feed-forward layer with sparse dispatch: the router picks the top-k experts
 * of each frame, each expert runs once on just the frames routed to it, and the outputs are put
 * back in frame order and weighted by the gate (eq. (7): y = p_i·E_i(x) for the 3M top-1 layer).
 * Work is proportional to the number of frames, not to the number of experts. Padding frames are
 * not dispatched at all (their output is 0) and are excluded from the routing statistics.
 *
 * <p>Grouping frames by expert needs the chosen expert ids on the host: one small copy of F·k
 * integers per layer, the only host transfer of the training step besides the loss values.
 */
public final class MoeFeedForward extends Layer implements PositionwiseModule {
  /** How the selected experts' outputs are weighted. */
  public enum Gating {
    /** 3M / SpeechMoE: softmax over all experts, each selected output scaled by its probability. */
    PROBABILITY,
    /** U2++ MoE (WeNet): softmax over the k selected logits only. */
    TOP_K_SOFTMAX
  }

  private final Router router;
  private final List<FeedForward> experts = new ArrayList<>();
  private final int topK;
  private final Gating gating;
  private final String layer;
  private final int dim;

  /** @param layer where the layer sits, e.g. "encoders.3.feed_forward" (names its routing statistics) */
  public MoeFeedForward(String layer, int dim, int hidden, int numExperts, int topK, int embeddingDim, Gating gating,
      float dropout) {
    if (topK < 1 || topK > numExperts) {
      throw new IllegalArgumentException("top_k must be between 1 and num_experts " + numExperts + ", got " + topK);
    }
    this.layer = layer;
    this.dim = dim;
    this.topK = topK;
    this.gating = gating;
    this.router = addChildBlock("router", new Router(embeddingDim, dim, numExperts));
    Container c = addChildBlock("experts", new Container());
    for (int i = 0; i < numExperts; i++) {
      experts.add(c.add(Integer.toString(i), new FeedForward(dim, hidden, dropout, FeedForward.Act.SWISH)));
    }
  }

  public int numExperts() {
    return experts.size();
  }

  public List<FeedForward> experts() {
    return experts;
  }

  /** Router plus k experts per frame: independent of the number of experts. */
  @Override
  public long activeMacsPerFrame() {
    return router.macs() + topK * experts.get(0).macs();
  }

  @Override
  public NDArray forward(ParameterStore ps, NDArray x, EncoderContext ctx, boolean training) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int frames = Math.toIntExact(b * t);
    int n = experts.size();
    NDManager m = x.getManager();
    NDArray logits = router.logits(ps, ctx.routingEmbedding(), x, training).reshape(frames, n);
    NDArray probs = logits.softmax(1);
    NDList top = logits.topK(topK, 1, true, true);
    NDArray chosen = top.get(1).toType(DataType.INT64, false); // (F, k)
    NDArray gate = gating == Gating.PROBABILITY ? probs.gather(chosen, 1) : top.get(0).softmax(1);
    NDArray valid = ctx.maskPad() == null ? m.ones(new Shape(frames), DataType.BOOLEAN, x.getDevice())
        : ctx.maskPad().reshape(frames);

    long[] ids = chosen.toLongArray();
    boolean[] real = valid.toBooleanArray();
    // group the (frame, slot) pairs by expert; row r of the concatenated expert outputs belongs to one pair
    List<List<Integer>> framesOf = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      framesOf.add(new ArrayList<>());
    }
    long[] perExpert = new long[n];
    for (int f = 0; f < frames; f++) {
      if (!real[f]) {
        continue;
      }
      for (int s = 0; s < topK; s++) {
        int e = (int) ids[f * topK + s];
        framesOf.get(e).add(f * topK + s);
        if (s == 0) {
          perExpert[e]++;
        }
      }
    }
    NDArray flat = x.reshape(frames, dim);
    // one gather puts the rows in expert order; split hands each expert a view of its rows (one
    // index copy and one gather per layer whatever the number of experts)
    long[] source = new long[frames * topK];
    long[] rowOf = new long[frames * topK];
    long[] splitAt = new long[n - 1];
    int row = 0;
    for (int e = 0; e < n; e++) {
      for (int pair : framesOf.get(e)) {
        source[row] = pair / topK;
        rowOf[pair] = row++;
      }
      if (e < n - 1) {
        splitAt[e] = row;
      }
    }
    int zeroRow = row;
    for (int f = 0; f < frames; f++) {
      if (!real[f]) {
        for (int s = 0; s < topK; s++) {
          rowOf[f * topK + s] = zeroRow; // padding frames read the zero row appended below
        }
      }
    }
    NDList outputs = new NDList();
    if (row > 0) {
      NDArray index = m.create(java.util.Arrays.copyOf(source, row)).toDevice(x.getDevice(), false);
      NDList parts = flat.gather(index.expandDims(1).broadcast(row, dim), 0).split(splitAt, 0);
      for (int e = 0; e < n; e++) {
        if (!framesOf.get(e).isEmpty()) {
          outputs.add(experts.get(e).forward(ps, parts.get(e), training));
        }
      }
    }
    outputs.add(m.zeros(new Shape(1, dim), x.getDataType(), x.getDevice()));
    NDArray all = NDArrays.concat(outputs, 0);
    NDArray rowIndex = m.create(rowOf, new Shape(frames, topK)).toDevice(x.getDevice(), false);
    NDArray out = null;
    for (int s = 0; s < topK; s++) {
      NDArray idx = rowIndex.get(":, {}", s).expandDims(1).broadcast(frames, dim);
      NDArray part = all.gather(idx, 0).mul(gate.get(":, {}:{}", s, s + 1));
      out = out == null ? part : out.add(part);
    }
    ctx.report(new MoeRouting(layer, probs, valid.toType(probs.getDataType(), false), perExpert));
    return out.reshape(b, t, dim);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    EncoderContext ctx = new EncoderContext();
    if (in.size() > 1) {
      ctx.routingEmbedding(in.get(1));
    }
    return new NDList(forward(ps, in.get(0), ctx, training));
  }
}
