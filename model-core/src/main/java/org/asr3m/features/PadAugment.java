package org.asr3m.features;

import java.util.Random;
import org.asr3m.audio.Audio;

/**
 * Random silence before and after an utterance (on-the-fly augmentation). Segmented corpora leave
 * a fixed margin around the speech (tiny-cmn: 0.1 s before, 0.2 s after), and a model trained on
 * one margin learns it: the same test utterances with 0.25 s more trailing noise lost 14-20 points
 * of CER after 40 epochs (recipes/tiny-cmn/local/reverb_probe.sh). With probability {@code probability}
 * an utterance gets zeros, uniformly 0 to {@code maxLeadSeconds} before and 0 to
 * {@code maxTrailSeconds} after; applied before reverberation and noise, so a room's tail rings into
 * the pad and the noise covers it, as in a recording.
 *
 * @param probability chance that an utterance is padded, 0..1
 * @param maxLeadSeconds longest silence added before the speech
 * @param maxTrailSeconds longest silence added after it
 */
public record PadAugment(double probability, double maxLeadSeconds, double maxTrailSeconds) {
  /** Longest pad on either side: a margin, not a way to make utterances of silence. */
  public static final double MAX_SECONDS = 5;

  public PadAugment {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    for (double s : new double[] {maxLeadSeconds, maxTrailSeconds}) {
      if (!(s >= 0 && s <= MAX_SECONDS)) {
        throw new IllegalArgumentException("pad lengths must be in [0, " + MAX_SECONDS + "] s, got " + s);
      }
    }
  }

  /** The audio with its pads (or unchanged, with probability 1 − p); draws only from {@code random}. */
  public Audio apply(Audio audio, Random random) {
    int[] pad = draw(random, audio.sampleRate());
    if (pad[0] == 0 && pad[1] == 0) {
      return audio;
    }
    float[] x = audio.samples();
    float[] out = new float[pad[0] + x.length + pad[1]];
    System.arraycopy(x, 0, out, pad[0], x.length);
    return new Audio(out, audio.sampleRate());
  }

  /**
   * Samples added before and after, as {@link #apply} draws them: one draw from the caller's
   * generator whatever the outcome, so the draws after it do not depend on this setting's values.
   */
  public int[] draw(Random random, int sampleRate) {
    Random r = Randoms.fork(random);
    if (r.nextDouble() >= probability) {
      return new int[] {0, 0};
    }
    int lead = (int) Math.round(maxLeadSeconds * sampleRate * r.nextDouble());
    int trail = (int) Math.round(maxTrailSeconds * sampleRate * r.nextDouble());
    return new int[] {lead, trail};
  }
}
