package org.asr3m.recipe;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.asr3m.features.AudioFileList;
import org.asr3m.features.ColouredNoise;
import org.asr3m.features.NoiseAugment;
import org.asr3m.features.NoiseFiles;
import org.asr3m.features.PadAugment;
import org.asr3m.features.ReverbAugment;
import org.asr3m.features.RirFiles;
import org.asr3m.features.SyntheticRir;
import org.asr3m.io.InputException;

/**
 * Reads {@code dataset_conf.noise_aug}, {@code dataset_conf.reverb_aug} and {@code dataset_conf.pad_aug}
 * (absent = off):
 *
 * <pre>
 * noise_aug:
 *   prob: 0.8            # chance per utterance
 *   snr_min: 5           # dB, drawn uniformly
 *   snr_max: 25
 *   colours: white pink  # generated noise (white, pink, brown), or instead:
 *   noise_list: noise/list   # Kaldi-style "&lt;id&gt; &lt;path&gt;" list or a directory, relative to the recipe
 *   max_cached_seconds: 600  # decoded noise kept in memory at most
 * reverb_aug:
 *   prob: 0.5
 *   rt60_min: 0.2        # s, synthetic exponential-decay responses, or instead:
 *   rt60_max: 0.8
 *   drr_min: -3          # dB, direct-to-reverberant energy ratio of the synthetic responses
 *   drr_max: 12
 *   predelay_max: 0.01   # s, latest start of the tail after the direct sound (from 1 ms)
 *   hf_rt60_ratio_min: 1 # RT60 above 4 kHz / RT60 below 1 kHz, drawn per response (1: flat)
 *   hf_rt60_ratio_max: 1
 *   rir_list: rirs/list
 *   max_cached_seconds: 600
 * pad_aug:               # silence before and after the speech, before reverb and noise
 *   prob: 0.5
 *   lead_max: 0.3        # s, drawn uniformly from 0
 *   trail_max: 0.5
 * </pre>
 */
final class AugmentationConf {
  private AugmentationConf() {}

  static NoiseAugment noise(YamlSection ds, Path recipe) {
    YamlSection n = optional(ds, "noise_aug");
    if (n == null) {
      return null;
    }
    float prob = n.number("prob", 1.0, 0, 1);
    float min = n.number("snr_min", 5, -30, 100);
    float max = n.number("snr_max", 20, -30, 100);
    if (min > max) {
      throw n.error("snr_min", "is larger than snr_max " + max);
    }
    String list = n.text("noise_list", null);
    String colours = n.text("colours", null);
    long cache = Math.round(n.number("max_cached_seconds", 600, 0, 1e6) * (double) AudioFileList.RATE);
    NoiseAugment aug;
    if (list != null) {
      if (colours != null) {
        throw n.error("colours", "give either colours (generated noise) or noise_list (files), not both");
      }
      aug = new NoiseAugment(prob, min, max, new NoiseFiles(files(n, "noise_list", list, recipe, cache)));
    } else {
      List<String> c = Arrays.asList((colours == null ? "white pink" : colours).split("[\\s,]+"));
      for (String x : c) {
        if (!ColouredNoise.KNOWN.contains(x)) {
          throw n.error("colours", "must be a list of " + String.join(", ", ColouredNoise.KNOWN) + "; got '" + x + "'");
        }
      }
      aug = new NoiseAugment(prob, min, max, new ColouredNoise(c));
    }
    n.finish();
    return aug;
  }

  static ReverbAugment reverb(YamlSection ds, Path recipe) {
    YamlSection r = optional(ds, "reverb_aug");
    if (r == null) {
      return null;
    }
    float prob = r.number("prob", 1.0, 0, 1);
    String list = r.text("rir_list", null);
    long cache = Math.round(r.number("max_cached_seconds", 600, 0, 1e6) * (double) AudioFileList.RATE);
    ReverbAugment aug;
    if (list != null) {
      for (String k : new String[] {"rt60_min", "rt60_max", "drr_min", "drr_max", "predelay_max", "hf_rt60_ratio_min",
          "hf_rt60_ratio_max"}) {
        if (r.has(k)) {
          throw r.error(k, "applies to synthetic responses only; remove it or rir_list");
        }
      }
      aug = new ReverbAugment(prob, new RirFiles(files(r, "rir_list", list, recipe, cache)));
    } else {
      float min = r.number("rt60_min", 0.2, 0.01, SyntheticRir.MAX_SECONDS);
      float max = r.number("rt60_max", 0.8, 0.01, SyntheticRir.MAX_SECONDS);
      if (min > max) {
        throw r.error("rt60_min", "is larger than rt60_max " + max);
      }
      float drrMin = r.number("drr_min", -3, -40, 60);
      float drrMax = r.number("drr_max", 12, -40, 60);
      if (drrMin > drrMax) {
        throw r.error("drr_min", "is larger than drr_max " + drrMax);
      }
      // absent: the constructor's double default, not its float rounding, so old recipes draw as before
      double predelay = r.has("predelay_max") ? r.number("predelay_max", SyntheticRir.DEFAULT_MAX_PREDELAY, 0.001,
          SyntheticRir.MAX_PREDELAY) : SyntheticRir.DEFAULT_MAX_PREDELAY;
      float hfMin = r.number("hf_rt60_ratio_min", 1, 0.01, 1);
      float hfMax = r.number("hf_rt60_ratio_max", 1, 0.01, 1);
      if (hfMin > hfMax) {
        throw r.error("hf_rt60_ratio_min", "is larger than hf_rt60_ratio_max " + hfMax);
      }
      aug = new ReverbAugment(prob, new SyntheticRir(min, max, drrMin, drrMax, predelay, hfMin, hfMax));
    }
    r.finish();
    return aug;
  }

  static PadAugment pad(YamlSection ds) {
    YamlSection p = optional(ds, "pad_aug");
    if (p == null) {
      return null;
    }
    float prob = p.number("prob", 1.0, 0, 1);
    float lead = p.number("lead_max", 0, 0, PadAugment.MAX_SECONDS);
    float trail = p.number("trail_max", 0, 0, PadAugment.MAX_SECONDS);
    p.finish();
    if (lead == 0 && trail == 0) {
      throw p.error("lead_max and trail_max are both 0 (no pad); give at least one, or remove pad_aug");
    }
    return new PadAugment(prob, lead, trail);
  }

  /** The section {@code key}, or null when the recipe leaves it out (the key still counts as known). */
  private static YamlSection optional(YamlSection ds, String key) {
    YamlSection s = ds.section(key);
    return ds.has(key) ? s : null;
  }

  /** The list, resolved against the recipe's directory; its own errors are reported under the recipe key. */
  private static AudioFileList files(YamlSection s, String key, String value, Path recipe, long cache) {
    Path dir = recipe.toAbsolutePath().getParent();
    try {
      return AudioFileList.read(dir.resolve(value), cache);
    } catch (InputException e) {
      throw s.error(key, e.getMessage());
    }
  }
}
