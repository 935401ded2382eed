package org.asr3m.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.asr3m.nn.Dense;
import org.asr3m.nn.Layer;

/**
 * The MoE router, eq. (5)–(6) of the 3M paper (SpeechMoE): r = W_r · concat(e, o), p = softmax(r),
 * over the shared embedding e and the layer input o. As in the reference code W_r has no bias, the
 * embedding comes first, and e is detached: routers do not train the embedding network (only its
 * own CTC loss does). Without an embedding (U2++ MoE) the router sees o alone.
 */
public final class Router extends Layer {
  private final Dense weight;
  private final int embeddingDim;

  /** @param embeddingDim dimension of e, or 0 for a router on the layer input only */
  public Router(int embeddingDim, int dim, int numExperts) {
    this.embeddingDim = embeddingDim;
    this.weight = addChildBlock("w_r", new Dense(embeddingDim + dim, numExperts, false));
  }

  public long macs() {
    return weight.macs();
  }

  /**
   * @param embedding (B, T, De) shared embedding, or null when embeddingDim is 0
   * @param x (B, T, D) layer input (already layer-normalised by the Conformer block)
   * @return router logits r (B, T, N)
   */
  public NDArray logits(ParameterStore ps, NDArray embedding, NDArray x, boolean training) {
    NDArray in = x;
    if (embeddingDim > 0) {
      if (embedding == null) {
        throw new IllegalStateException("this router needs the shared embedding but none was given");
      }
      in = NDArrays.concat(new NDList(embedding.stopGradient(), x), 2);
    }
    return weight.forward(ps, in, training);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
    return new NDList(logits(ps, in.size() > 1 ? in.get(1) : null, in.get(0), training).softmax(2));
  }
}
