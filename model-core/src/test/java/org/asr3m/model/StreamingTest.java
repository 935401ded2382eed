package org.asr3m.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.moe.ExpertStats;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chunk-by-chunk streaming with attention and convolution caches must compute what the
 * full-utterance forward with the same chunk mask computes (causal convolutions), for the U2++
 * MoE model (every FFN a top-2 MoE layer) and for 3M (the embedding network streams alongside
 * and routes each chunk).
 */
class StreamingTest {
  private static final String BASE = """
      output_dim: 12
      encoder_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 3, cnn_module_kernel: 5,
                     causal: true, use_dynamic_chunk: true}
      decoder_conf: {attention_heads: 2, linear_units: 32, num_blocks: 1}
      """;
  private static final String U2PP = "model: u2pp_moe\nmoe_conf: {num_experts: 4, top_k: 2, moe_layers: both,"
      + " router_input: layer, alpha: 0, beta: 0, gamma: 0}\n";
  private static final String THREE_M = "model: 3m\nmoe_conf: {num_experts: 3, top_k: 1}\n"
      + "embedding_conf: {output_size: 16, attention_heads: 2, linear_units: 32, num_blocks: 2}\n"
      + "multi_level_conf: {levels: [1, 2]}\n";

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}: chunk {1}, left chunks {2}, {3} frames")
  @CsvSource({"u2pp, 4, -1, 97", "u2pp, 4, 2, 97", "u2pp, 16, -1, 150", "u2pp, 3, 0, 40", "3m, 4, -1, 97",
      "3m, 2, 3, 61"})
  void streamingEqualsTheChunkMaskedFullForward(String kind, int chunk, int left, int frames) throws Exception {
    Recipe recipe = Recipe.read(Files.writeString(tmp.resolve(kind + ".yaml"),
        BASE + (kind.equals("u2pp") ? U2PP : THREE_M)));
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 5);
      ParameterStore ps = new ParameterStore(m, false);
      m.getEngine().setRandomSeed(3);
      NDArray feats = m.randomNormal(new Shape(1, frames, 80));
      NDArray lens = m.create(new long[] {frames});
      AsrModel.Encoded full = model.encode(ps, feats, lens, false, chunk, left);
      ExpertStats fullStats = new ExpertStats();
      fullStats.add(full.routing());
      float[] want = full.output().out().toFloatArray();
      try (NDManager utt = m.newSubManager()) {
        NDArray f = feats.duplicate();
        f.attach(utt);
        AsrModel.Encoded streamed = model.encodeStreaming(ps, f, chunk, left);
        assertThat(streamed.output().out().getShape()).isEqualTo(full.output().out().getShape());
        float[] got = streamed.output().out().toFloatArray();
        for (int i = 0; i < want.length; i++) {
          assertThat(got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-4f));
        }
        // and the chunking matters: full context computes something else
        float[] unchunked = model.encode(ps, feats, lens, false, 0, -1).output().out().toFloatArray();
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(unchunked[i] - got[i]));
        }
        assertThat(maxDiff).isGreaterThan(1e-2);
        // every frame was routed in both passes, to the same experts
        ExpertStats streamStats = new ExpertStats();
        streamStats.add(streamed.routing());
        assertThat(streamStats.framesPerExpert()).hasSameSizeAs(fullStats.framesPerExpert());
        // one entry per MoE layer: both FFNs of each of the 3 blocks for U2++, the second FFN for 3M
        assertThat(fullStats.framesPerExpert().keySet()).containsExactlyElementsOf(kind.equals("u2pp")
            ? java.util.List.of("encoders.0.feed_forward_macaron", "encoders.0.feed_forward",
                "encoders.1.feed_forward_macaron", "encoders.1.feed_forward", "encoders.2.feed_forward_macaron",
                "encoders.2.feed_forward")
            : java.util.List.of("encoders.0.feed_forward", "encoders.1.feed_forward", "encoders.2.feed_forward"));
        fullStats.framesPerExpert().forEach((layer, counts) ->
            assertThat(streamStats.framesPerExpert().get(layer)).as("layer %s", layer).containsExactly(counts));
      }
    }
  }
}
