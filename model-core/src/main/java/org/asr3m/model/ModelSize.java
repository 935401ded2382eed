package org.asr3m.model;

import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asr3m.nn.ParameterNames;

/**
 * Parameter counts and inference FLOPs of a model, computed from the recipe without allocating
 * any weights (parameter shapes are fixed at construction).
 *
 * <p>FLOPs count one multiply-accumulate as 2 FLOPs, for one second of 16 kHz audio (100 feature
 * frames, 24 encoder frames after subsampling): the subsampling convolutions and projection, every
 * encoder block (projections, FFNs, convolution module, and the length-dependent attention products
 * q·kᵀ, q·pᵀ, attn·v) and the CTC projection. Normalisations, activations, softmax and the attention
 * decoder are not counted: the decoder only rescores a few hypotheses and its cost depends on the
 * N-best, not on the audio.
 */
public final class ModelSize {
  /** Feature frames in one second of audio (10 ms shift). */
  public static final int FRAMES_PER_SECOND = 100;

  private ModelSize() {}

  /** Parameter count per top-level component (encoder, decoder, ctc, …) plus "total". */
  public static Map<String, Long> parameters(AsrModel model) {
    Map<String, Long> out = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<String, Parameter> e : ParameterNames.of(model).entrySet()) {
      if (!e.getValue().requiresGradient()) {
        continue; // CMVN statistics are data, not model capacity
      }
      long n = e.getValue().getShape().size();
      out.merge(component(e.getKey()), n, Long::sum);
      total += n;
    }
    out.put("total", total);
    return out;
  }

  /** Inference FLOPs for one second of audio (see class comment). */
  public static long flopsPerSecond(AsrModel model) {
    long frames = FRAMES_PER_SECOND;
    long encFrames = org.asr3m.nn.Conv2dSubsampling4.outputLength(frames);
    long macs = model.encoder().macs(frames) + model.ctc().macsPerFrame() * encFrames;
    if (model.embedding() != null) {
      macs += model.embedding().macs(frames); // the routers need e at inference too
    }
    return 2 * macs;
  }

  private static String component(String path) {
    if (path.contains(".experts.")) {
      return "encoder.experts";
    }
    if (path.contains(".router.")) {
      return "encoder.routers";
    }
    String[] parts = path.split("\\.");
    if (parts[0].equals("encoder") && parts.length > 2) {
      return parts[1].equals("encoders") ? "encoder.blocks" : "encoder." + parts[1];
    }
    return parts[0];
  }
}
