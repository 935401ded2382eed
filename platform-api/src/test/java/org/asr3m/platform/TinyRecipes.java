package org.asr3m.platform;

/** Toy-sized recipes for tests that train real runs in seconds (the tiny-cmn structure at d 32). */
public final class TinyRecipes {
  private TinyRecipes() {}

  /** Everything but the model type and the epochs. */
  public static final String COMMON = """
      encoder_conf: {output_size: 32, attention_heads: 2, linear_units: 64, num_blocks: 2, cnn_module_kernel: 5}
      decoder_conf: {attention_heads: 2, linear_units: 64, num_blocks: 1}
      model_conf: {ctc_weight: 0.5}
      dataset_conf:
        filter_conf: {min_length: 10}
        speed_perturb: false
        spec_aug: false
        batch_conf: {max_frames_in_batch: 2000}
      optim_conf: {lr: 0.002}
      scheduler_conf: {warmup_steps: 20}
      log_interval: 1
      seed: 777
      accum_grad: 1
      pipeline_conf:
        decode_modes: [ctc_greedy_search, attention_rescoring]
        beam: 4
      """;

  /** A dense Conformer trained one epoch. */
  public static final String DENSE = "model: conformer\nmax_epoch: 1\n" + COMMON;
}
