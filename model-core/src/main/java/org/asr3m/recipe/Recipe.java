package org.asr3m.recipe;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.PadAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.SpecAugment;
import org.asr3m.io.InputException;
import org.asr3m.nn.DecoderConfig;
import org.asr3m.nn.EncoderConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A training recipe: the typed, validated form of a WeNet-style YAML file. Key names mirror
 * WeNet / 3m-asr ({@code encoder_conf.num_blocks}, {@code model_conf.ctc_weight}, …) so existing
 * configs carry over; every invalid or unknown key is an error naming file, line and field.
 *
 * @param file where it was read from
 * @param outputDim vocabulary size if the recipe fixes it (output_dim), else 0 (taken from units.txt)
 * @param encoder encoder shape
 * @param decoderType transformer or bitransformer
 * @param decoder decoder shape (vocabulary size filled in by {@link #withVocab})
 * @param model loss weights
 * @param data data pipeline settings
 * @param train optimisation settings
 * @param pipeline the stage chain a worker derives from this recipe (pipeline_conf)
 */
public record Recipe(Path file, int outputDim, EncoderConfig encoder, String decoderType, DecoderConfig decoder,
    ModelConf model, DataConf data, TrainConf train, String modelType, MoeConf moe, EncoderConfig embedding,
    int[] decoderLevels, PipelineConf pipeline) {

  /** The model families a recipe can build ({@code model:}). */
  public static final String CONFORMER = "conformer";
  public static final String CONFORMER_MOE = "conformer_moe";
  public static final String THREE_M = "3m";
  public static final String U2PP_MOE = "u2pp_moe";

  /**
   * moe_conf: the mixture-of-experts layers.
   *
   * @param numExperts N
   * @param topK experts per frame (1 for SpeechMoE/3M)
   * @param layers which FFNs become MoE layers: "second" (3M), "both", or "all" (= both, U2++ MoE's wording)
   * @param embeddingRouter routers read the shared embedding (3M) or only the layer input (U2++)
   * @param topKSoftmax gate with a softmax over the k selected logits (U2++) instead of the full softmax (3M)
   * @param alpha α of L_s, eq. (10)
   * @param beta β of L_m
   * @param gamma γ of the embedding network's CTC loss L_e
   */
  public record MoeConf(int numExperts, int topK, String layers, boolean embeddingRouter, boolean topKSoftmax,
      float alpha, float beta, float gamma, int expertUnits) {
    public boolean secondOnly() {
      return layers.equals("second");
    }
  }

  /**
   * model_conf: η and the attention-loss settings.
   *
   * @param ctcDropoutRate dropout on the encoder output before the CTC projection ({@code ctc_dropout_rate});
   *     0 by default, as WeNet's CTC module ({@code dropout_rate=0.0}) and 3m-asr's {@code out_linear}
   */
  public record ModelConf(float ctcWeight, float lsmWeight, boolean lengthNormalizedLoss, float reverseWeight,
      float ctcDropoutRate) {}

  /**
   * dataset_conf.
   *
   * @param noiseAug on-the-fly additive noise ({@code noise_aug}), or null for none
   * @param reverbAug on-the-fly reverberation ({@code reverb_aug}), or null for none
   * @param padAug on-the-fly silence before and after the speech ({@code pad_aug}), or null for none
   */
  public record DataConf(FbankOptions fbank, boolean speedPerturb, SpecAugment specAugment, int minFrames,
      int maxFrames, int minTokens, int maxTokens, int maxFramesInBatch, int sortBufferSize, boolean shuffle,
      NoiseAugment noiseAug, ReverbAugment reverbAug, PadAugment padAug, int shuffleSize, int numWorkers,
      int prefetch) {}

  /**
   * Optimiser and loop settings (Adam with WeNet's warmup schedule).
   *
   * @param checkpointEverySteps save a resumable checkpoint every N optimiser updates (0 = per epoch only)
   * @param averageNum number of best (lowest dev CTC loss) epoch checkpoints to average at the end
   * @param useAmp fp16 compute with fp32 master weights and dynamic loss scaling ({@code use_amp}, WeNet's name)
   */
  public record TrainConf(float lr, int warmupSteps, float gradClip, int accumGrad, int maxEpoch, int logInterval,
      long seed, int checkpointEverySteps, int averageNum, boolean useAmp) {}

  /** The decoding modes an evaluation stage may list (WeNet's names). */
  public static final java.util.List<String> DECODE_MODES = java.util.Arrays.stream(
      org.asr3m.decode.Recognizer.Mode.values()).map(m -> m.name().toLowerCase(java.util.Locale.ROOT)).toList();

  /**
   * pipeline_conf: the 3m-asr stage chain a worker runs for this recipe (not read by training itself).
   *
   * @param baseEpochs epochs of the dense base Conformer whose FFNs initialise the experts; 0 = the
   *     model trains from scratch (default: max_epoch for conformer_moe / 3m, 0 otherwise)
   * @param embeddingEpochs epochs of the shared embedding network's pretraining; 0 = not pretrained
   *     (default: max_epoch when the routers read an embedding, else 0)
   * @param decodeModes decoding modes of the evaluation stage
   * @param beam beam of the evaluation's searches
   */
  public record PipelineConf(int baseEpochs, int embeddingEpochs, java.util.List<String> decodeModes, int beam) {}

  public static Recipe read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(file, "recipe file not found");
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read recipe: " + e.getMessage(), e);
    }
    return fromYaml(file, text);
  }

  /**
   * A recipe from YAML text (e.g. a recipe stored in a database or derived by a pipeline stage);
   * errors name {@code file} as where the text came from.
   */
  public static Recipe fromYaml(Path file, String text) {
    Node root;
    try (Reader r = new java.io.StringReader(text)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (MarkedYAMLException e) {
      throw new InputException(file, e.getProblemMark().getLine() + 1, "invalid YAML: " + e.getProblem());
    } catch (IOException e) {
      throw new InputException(file, 0, e.getMessage(), e);
    }
    if (root == null) {
      throw new InputException(file, "recipe is empty");
    }
    return parse(file, new YamlSection(file, "", root));
  }

  /**
   * Every problem of a recipe from YAML text at once, each with its field path and line (empty
   * when the recipe is valid); {@link #fromYaml} throws at the first one instead.
   */
  public static java.util.List<RecipeProblem> validate(Path file, String text) {
    return RecipeValidator.validate(file, text);
  }

  static Recipe parse(Path file, YamlSection y) {
    int inputDim = y.integer("input_dim", 80, 1, 10000);
    int outputDim = y.integer("output_dim", 0, 0, 10_000_000);
    y.choice("encoder", "conformer", "conformer");
    YamlSection e = y.section("encoder_conf");
    int outputSize = e.integer("output_size", 256, 1, 65536);
    int heads = e.integer("attention_heads", 4, 1, 1024);
    if (outputSize % heads != 0) {
      throw e.error("attention_heads", "must divide output_size " + outputSize + ", got " + heads);
    }
    int linearUnits = e.integer("linear_units", 2048, 1, 1 << 20);
    int numBlocks = e.integer("num_blocks", 12, 1, 1000);
    float dropout = e.number("dropout_rate", 0.1, 0, 0.99);
    float posDropout = e.number("positional_dropout_rate", 0.1, 0, 0.99);
    float attDropout = e.number("attention_dropout_rate", 0.0, 0, 0.99);
    int kernel = e.integer("cnn_module_kernel", 15, 1, 1001);
    if (kernel % 2 == 0) {
      throw e.error("cnn_module_kernel", "must be odd, got " + kernel);
    }
    boolean useCnn = e.bool("use_cnn_module", true);
    boolean macaron = e.bool("macaron_style", true);
    String cnnNorm = e.choice("cnn_module_norm", "layer_norm", "layer_norm", "batch_norm");
    boolean causal = e.bool("causal", false);
    boolean dynamicChunk = e.bool("use_dynamic_chunk", false);
    boolean dynamicLeft = e.bool("use_dynamic_left_chunk", false);
    if (dynamicLeft && !dynamicChunk) {
      throw e.error("use_dynamic_left_chunk", "needs use_dynamic_chunk: true");
    }
    e.choice("input_layer", "conv2d", "conv2d");
    int inputChannels = e.integer("input_layer_channels", outputSize, 1, 65536);
    e.choice("pos_enc_layer_type", "rel_pos", "rel_pos");
    e.choice("selfattention_layer_type", "rel_selfattn", "rel_selfattn");
    e.choice("activation_type", "swish", "swish");
    if (!e.bool("normalize_before", true)) {
      throw e.error("normalize_before", "only pre-norm (true) blocks are supported");
    }
    e.finish();
    EncoderConfig enc = new EncoderConfig(inputDim, outputSize, heads, linearUnits, numBlocks, dropout, posDropout,
        attDropout, kernel, useCnn, macaron, cnnNorm.equals("layer_norm"), causal, dynamicChunk, dynamicLeft,
        inputChannels);

    String decoderType = y.choice("decoder", "transformer", "transformer", "bitransformer");
    YamlSection d = y.section("decoder_conf");
    int dHeads = d.integer("attention_heads", heads, 1, 1024);
    if (outputSize % dHeads != 0) {
      throw d.error("attention_heads", "must divide encoder_conf.output_size " + outputSize + ", got " + dHeads);
    }
    int dUnits = d.integer("linear_units", 2048, 1, 1 << 20);
    int dBlocks = d.integer("num_blocks", 6, 1, 1000);
    int rBlocks = d.integer("r_num_blocks", 0, 0, 1000);
    if (decoderType.equals("bitransformer") && rBlocks == 0) {
      throw d.error("r_num_blocks", "must be at least 1 for decoder: bitransformer");
    }
    if (decoderType.equals("transformer") && rBlocks > 0) {
      throw d.error("r_num_blocks", "needs decoder: bitransformer");
    }
    DecoderConfig dec = new DecoderConfig(outputDim, outputSize, dHeads, dUnits, dBlocks, rBlocks,
        d.number("dropout_rate", 0.1, 0, 0.99), d.number("positional_dropout_rate", 0.1, 0, 0.99),
        d.number("self_attention_dropout_rate", 0.0, 0, 0.99), d.number("src_attention_dropout_rate", 0.0, 0, 0.99));
    d.finish();

    YamlSection mc = y.section("model_conf");
    float reverse = mc.number("reverse_weight", 0.0, 0, 1);
    if (reverse > 0 && rBlocks == 0) {
      throw mc.error("reverse_weight", "needs a bidirectional decoder (decoder: bitransformer)");
    }
    ModelConf model = new ModelConf(mc.number("ctc_weight", 0.3, 0, 1), mc.number("lsm_weight", 0.1, 0, 0.99),
        mc.bool("length_normalized_loss", false), reverse, mc.number("ctc_dropout_rate", 0.0, 0, 0.99));
    mc.finish();

    DataConf data = parseData(y.section("dataset_conf"), inputDim, file);
    TrainConf train = parseTrain(y);
    String modelType = y.choice("model", CONFORMER, CONFORMER, CONFORMER_MOE, THREE_M, U2PP_MOE);
    MoeConf moe = null;
    EncoderConfig embedding = null;
    int[] levels = new int[0];
    YamlSection mo = y.section("moe_conf");
    YamlSection em = y.section("embedding_conf");
    YamlSection ml = y.section("multi_level_conf");
    if (!modelType.equals(CONFORMER)) {
      boolean u2pp = modelType.equals(U2PP_MOE);
      int experts = mo.integer("num_experts", 16, 1, 100000);
      int topK = mo.integer("top_k", u2pp ? 2 : 1, 1, experts);
      moe = new MoeConf(experts, topK, mo.choice("moe_layers", u2pp ? "all" : "second", "second", "both", "all"),
          mo.choice("router_input", u2pp ? "layer" : "embedding", "embedding", "layer").equals("embedding"),
          mo.choice("gating", u2pp ? "top_k_softmax" : "probability", "probability", "top_k_softmax")
              .equals("top_k_softmax"),
          mo.number("alpha", u2pp ? 0 : 0.15, 0, 1000), mo.number("beta", u2pp ? 0 : 0.15, 0, 1000),
          mo.number("gamma", u2pp ? 0 : 0.01, 0, 1000),
          // experts may be narrower than the dense FFN (the 150k-hour setup of Table 3)
          mo.integer("expert_linear_units", linearUnits, 1, 1 << 20));
      if (moe.embeddingRouter()) {
        embedding = new EncoderConfig(inputDim, em.integer("output_size", outputSize, 1, 65536),
            em.integer("attention_heads", heads, 1, 1024), em.integer("linear_units", linearUnits, 1, 1 << 20),
            em.integer("num_blocks", 6, 1, 1000), em.number("dropout_rate", dropout, 0, 0.99),
            em.number("positional_dropout_rate", posDropout, 0, 0.99),
            em.number("attention_dropout_rate", attDropout, 0, 0.99), em.integer("cnn_module_kernel", kernel, 1, 1001),
            true, true, cnnNorm.equals("layer_norm"), causal, dynamicChunk, dynamicLeft,
            em.integer("input_layer_channels", inputChannels, 1, 65536));
        if (embedding.outputSize() % embedding.attentionHeads() != 0) {
          throw em.error("attention_heads", "must divide output_size " + embedding.outputSize());
        }
      } else if (em.has("num_blocks") || em.has("output_size")) {
        throw em.error("embedding_conf needs moe_conf.router_input: embedding");
      }
    }
    mo.finish();
    em.finish();
    if (modelType.equals(THREE_M) || ml.has("levels")) {
      // multi-level: extra attention decoders on the outputs of these (1-based) encoder blocks
      int n = enc.numBlocks();
      levels = ml.integers("levels", new int[] {n / 3, 2 * n / 3});
      for (int l : levels) {
        if (l < 1 || l >= n) {
          throw ml.error("levels", "must name blocks between 1 and " + (n - 1) + " (the top block has the main decoder)");
        }
      }
    }
    ml.finish();
    PipelineConf pipeline = parsePipeline(y.section("pipeline_conf"), modelType, train.maxEpoch(), embedding != null);
    y.finish();
    return new Recipe(file, outputDim, enc, decoderType, dec, model, data, train, modelType, moe, embedding, levels,
        pipeline);
  }

  private static DataConf parseData(YamlSection ds, int inputDim, Path file) {
    YamlSection f = ds.section("filter_conf");
    int minFrames = f.integer("min_length", 10, 0, Integer.MAX_VALUE);
    int maxFrames = f.integer("max_length", 1200, 1, Integer.MAX_VALUE);
    int minTokens = f.integer("token_min_length", 1, 0, Integer.MAX_VALUE);
    int maxTokens = f.integer("token_max_length", 100, 1, Integer.MAX_VALUE);
    if (minFrames > maxFrames) {
      throw f.error("min_length", "is larger than max_length " + maxFrames);
    }
    if (minTokens > maxTokens) {
      throw f.error("token_min_length", "is larger than token_max_length " + maxTokens);
    }
    f.finish();
    boolean speed = ds.bool("speed_perturb", true);
    YamlSection fb = ds.section("fbank_conf");
    int bins = fb.integer("num_mel_bins", inputDim, 3, 1024);
    if (bins != inputDim) {
      throw fb.error("num_mel_bins", "must equal input_dim " + inputDim + ", got " + bins);
    }
    FbankOptions w = FbankOptions.WENET;
    FbankOptions fbank = new FbankOptions(bins, fb.number("frame_length", 25, 1, 1000),
        fb.number("frame_shift", 10, 1, 1000), fb.number("dither", 1.0, 0, 100), 16000, w.lowFreq(), w.highFreq(),
        w.preemphasis());
    fb.finish();
    boolean specAug = ds.bool("spec_aug", true);
    YamlSection sa = ds.section("spec_aug_conf");
    // read and checked even with spec_aug off: WeNet users switch the flag and keep the section
    SpecAugment configured = new SpecAugment(sa.integer("num_f_mask", 2, 0, 100), sa.integer("max_f", 30, 1, 1024),
        sa.integer("num_t_mask", 2, 0, 100), sa.integer("max_t", 50, 1, 100000));
    SpecAugment aug = specAug ? configured : null;
    sa.finish();
    YamlSection b = ds.section("batch_conf");
    b.choice("batch_type", "dynamic", "dynamic");
    int maxFramesInBatch = b.integer("max_frames_in_batch", 12000, 1, Integer.MAX_VALUE);
    b.finish();
    int sortBuffer = ds.integer("sort_buffer_size", 500, 1, Integer.MAX_VALUE);
    // WeNet's names for the streamed (shard) pipeline; sort_conf.sort_size is the same setting as sort_buffer_size
    YamlSection so = ds.section("sort_conf");
    if (so.has("sort_size") && ds.has("sort_buffer_size")) {
      throw so.error("sort_size", "and dataset_conf.sort_buffer_size are the same setting; give one");
    }
    sortBuffer = so.integer("sort_size", sortBuffer, 1, Integer.MAX_VALUE);
    so.finish();
    YamlSection sh = ds.section("shuffle_conf");
    int shuffleSize = sh.integer("shuffle_size", 1500, 1, Integer.MAX_VALUE);
    sh.finish();
    // loader threads and batches built ahead; the batches themselves do not depend on either
    // half the cores (at most 4): loader threads share the CPU with libtorch's, and on 2 cores a second
    // loader thread doubled the train step's slowdown (bench data: +6.7 % with 1 thread, +12.6 % with 2)
    int numWorkers = ds.integer("num_workers", Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)),
        1, 256);
    int prefetch = ds.integer("prefetch", 2 * numWorkers, 1, 10_000);
    boolean shuffle = ds.bool("shuffle", true);
    ds.bool("sort", true);
    NoiseAugment noise = AugmentationConf.noise(ds, file);
    ReverbAugment reverb = AugmentationConf.reverb(ds, file);
    PadAugment pad = AugmentationConf.pad(ds);
    ds.finish();
    return new DataConf(fbank, speed, aug, minFrames, maxFrames, minTokens, maxTokens, maxFramesInBatch, sortBuffer,
        shuffle, noise, reverb, pad, shuffleSize, numWorkers, prefetch);
  }

  private static TrainConf parseTrain(YamlSection y) {
    y.choice("optim", "adam", "adam");
    YamlSection o = y.section("optim_conf");
    float lr = o.number("lr", 0.001, 1e-9, 10);
    o.finish();
    y.choice("scheduler", "warmuplr", "warmuplr");
    YamlSection s = y.section("scheduler_conf");
    int warmup = s.integer("warmup_steps", 25000, 1, Integer.MAX_VALUE);
    s.finish();
    return new TrainConf(lr, warmup, y.number("grad_clip", 5, 0, 1e9), y.integer("accum_grad", 4, 1, 100000),
        y.integer("max_epoch", 26, 1, 100000), y.integer("log_interval", 100, 1, Integer.MAX_VALUE),
        y.integer("seed", 777, 0, Integer.MAX_VALUE), y.integer("checkpoint_every_steps", 0, 0, Integer.MAX_VALUE),
        y.integer("average_num", 1, 1, 1000), y.bool("use_amp", false));
  }

  private static PipelineConf parsePipeline(YamlSection p, String modelType, int maxEpoch, boolean embeddingRouter) {
    // only the conformer_moe / 3m chain starts from a dense base (U2++ MoE trains from scratch)
    boolean basable = modelType.equals(CONFORMER_MOE) || modelType.equals(THREE_M);
    int base = p.integer("base_epochs", basable ? maxEpoch : 0, 0, 100000);
    if (base > 0 && !basable) {
      throw p.error("base_epochs", "must be 0 for model: " + modelType
          + " (a dense base initialises the experts of conformer_moe and 3m only)");
    }
    int embedding = p.integer("embedding_epochs", embeddingRouter ? maxEpoch : 0, 0, 100000);
    if (embedding > 0 && !embeddingRouter) {
      throw p.error("embedding_epochs", "must be 0: this recipe's routers read no embedding network"
          + " (moe_conf.router_input: embedding)");
    }
    java.util.List<String> modes = p.choices("decode_modes",
        java.util.List.of("ctc_prefix_beam_search", "attention_rescoring"), DECODE_MODES.toArray(new String[0]));
    int beam = p.integer("beam", 10, 1, 1000);
    p.finish();
    return new PipelineConf(base, embedding, modes, beam);
  }

  /** The same recipe with the vocabulary size fixed (from units.txt); a conflicting output_dim is an error. */
  public Recipe withVocab(int vocab) {
    if (outputDim != 0 && outputDim != vocab) {
      throw new InputException(file, "output_dim is " + outputDim + " but units.txt has " + vocab + " units");
    }
    DecoderConfig d = decoder;
    DecoderConfig nd = new DecoderConfig(vocab, d.dim(), d.attentionHeads(), d.linearUnits(), d.numBlocks(),
        d.rNumBlocks(), d.dropoutRate(), d.positionalDropoutRate(), d.selfAttentionDropoutRate(),
        d.srcAttentionDropoutRate());
    return new Recipe(file, vocab, encoder, decoderType, nd, model, data, train, modelType, moe, embedding,
        decoderLevels, pipeline);
  }

  /** The same recipe with {@code n} experts per MoE layer (benchmarks across expert counts). */
  public Recipe withExperts(int n) {
    if (moe == null) {
      throw new InputException(file, "model: " + modelType + " has no MoE layers (moe_conf)");
    }
    if (n < moe.topK()) {
      throw new IllegalArgumentException(n + " experts is fewer than top_k " + moe.topK());
    }
    MoeConf m = new MoeConf(n, moe.topK(), moe.layers(), moe.embeddingRouter(), moe.topKSoftmax(), moe.alpha(),
        moe.beta(), moe.gamma(), moe.expertUnits());
    return new Recipe(file, outputDim, encoder, decoderType, decoder, model, data, train, modelType, m, embedding,
        decoderLevels, pipeline);
  }

  public int vocab() {
    if (outputDim <= 0) {
      throw new InputException(file, "output_dim is not set; pass a units.txt or set output_dim in the recipe");
    }
    return outputDim;
  }
}
