package org.asr3m.features;

import java.util.Random;

/**
 * Synthetic room impulse responses: a direct path of amplitude 1 followed, after a 1-10 ms gap, by
 * Gaussian noise whose energy decays by 60 dB over the reverberation time RT60 (the statistical
 * model of a diffuse late reverberation), scaled to a direct-to-reverberant energy ratio (DRR).
 * RT60 and DRR are drawn uniformly per call; the response is cut at RT60, where the tail is 60 dB
 * down.
 *
 * @param minRt60 shortest reverberation time, seconds
 * @param maxRt60 longest reverberation time, seconds (at most {@link #MAX_SECONDS})
 * @param minDrrDb lowest direct-to-reverberant ratio, dB (far from the talker)
 * @param maxDrrDb highest direct-to-reverberant ratio, dB (close to the talker)
 */
public record SyntheticRir(double minRt60, double maxRt60, double minDrrDb, double maxDrrDb) implements RirSource {
  public static final double MAX_SECONDS = 2.0;

  public SyntheticRir {
    if (!(minRt60 > 0 && minRt60 <= maxRt60 && maxRt60 <= MAX_SECONDS)) {
      throw new IllegalArgumentException("RT60 range must satisfy 0 < min <= max <= " + MAX_SECONDS + " s, got "
          + minRt60 + ".." + maxRt60);
    }
    if (!(minDrrDb <= maxDrrDb)) {
      throw new IllegalArgumentException("DRR range " + minDrrDb + ".." + maxDrrDb + " dB is empty");
    }
  }

  @Override
  public float[] rir(int sampleRate, Random random) {
    double rt60 = minRt60 + (maxRt60 - minRt60) * random.nextDouble();
    int length = Math.max(2, (int) Math.round(rt60 * sampleRate));
    // first reflections arrive 1-10 ms after the direct sound
    int gap = 1 + (int) Math.round((0.001 + 0.009 * random.nextDouble()) * sampleRate);
    float[] h = new float[length + gap];
    double drr = minDrrDb + (maxDrrDb - minDrrDb) * random.nextDouble();
    h[0] = 1f;
    // amplitude 10^(-3 t / RT60): energy down 60 dB at t = RT60
    double decayPerSample = Math.pow(10, -3.0 / (rt60 * sampleRate));
    double[] tail = new double[length];
    double a = 1;
    double energy = 0;
    for (int i = 0; i < length; i++) {
      tail[i] = a * random.nextGaussian();
      energy += tail[i] * tail[i];
      a *= decayPerSample;
    }
    double scale = Math.sqrt(Math.pow(10, -drr / 10) / energy); // direct energy is 1
    for (int i = 0; i < length; i++) {
      h[gap + i] = (float) (scale * tail[i]);
    }
    return h;
  }
}
