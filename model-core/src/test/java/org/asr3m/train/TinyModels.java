package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.Map;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;

/** A very small dropout-free model and a fixed synthetic batch, for exact comparisons of training steps. */
final class TinyModels {
  static final int VOCAB = 12;
  private static final String RECIPE = """
      encoder_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 1, cnn_module_kernel: 5,
                     dropout_rate: 0.0, positional_dropout_rate: 0.0}
      decoder_conf: {attention_heads: 4, linear_units: 64, num_blocks: 1, dropout_rate: 0.0,
                     positional_dropout_rate: 0.0}
      grad_clip: 0.5
      """;

  private TinyModels() {}

  static AsrModel model(NDManager m) {
    return AsrModel.create(Recipe.fromYaml(Path.of("tiny.yaml"), RECIPE).withVocab(VOCAB), m, 7);
  }

  /** Four utterances of different lengths (frames 64, 50, 41, 64; 5, 3, 4, 2 tokens). */
  static Batch batch(NDManager m) {
    long[] frames = {64, 50, 41, 64};
    long[][] tokens = {{3, 5, 5, 7, 2}, {2, 9, 4, -1, -1}, {8, 8, 6, 1, -1}, {10, 4, -1, -1, -1}};
    long[] tokenLens = {5, 3, 4, 2};
    ai.djl.engine.Engine.getInstance().setRandomSeed(3);
    NDArray feats = m.randomNormal(new Shape(4, 64, 80));
    return new Batch(feats, m.create(frames), m.create(tokens), m.create(tokenLens));
  }

  static Map<String, Parameter> params(AsrModel model) {
    return ParameterNames.of(model);
  }

  /** ‖a − b‖ / ‖b‖ over all gradients (or weights) of two models with the same parameter names. */
  static double relativeDifference(AsrModel a, AsrModel b, boolean gradients) {
    double diff = 0;
    double norm = 0;
    Map<String, Parameter> pb = params(b);
    for (Map.Entry<String, Parameter> e : params(a).entrySet()) {
      if (!e.getValue().requiresGradient()) {
        continue;
      }
      float[] x = values(e.getValue(), gradients);
      float[] y = values(pb.get(e.getKey()), gradients);
      for (int i = 0; i < x.length; i++) {
        diff += (double) (x[i] - y[i]) * (x[i] - y[i]);
        norm += (double) y[i] * y[i];
      }
    }
    return Math.sqrt(diff / norm);
  }

  private static float[] values(Parameter p, boolean gradient) {
    NDArray w = p.getArray();
    if (!gradient) {
      return w.toType(DataType.FLOAT32, false).toFloatArray();
    }
    try (NDArray g = w.getGradient()) {
      return g.toFloatArray();
    }
  }
}
