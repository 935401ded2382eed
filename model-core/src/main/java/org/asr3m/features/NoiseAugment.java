package org.asr3m.features;

import java.util.Random;
import org.asr3m.audio.Audio;

/**
 * Additive noise at a random signal-to-noise ratio (on-the-fly augmentation, as ESPnet's and
 * Lhotse's noise mixing): with probability {@code probability} an utterance gets noise from
 * {@code source}, scaled so that the power of the utterance over the power of the added noise is
 * the SNR drawn uniformly from [{@code minSnrDb}, {@code maxSnrDb}]. Both powers are means over the
 * whole utterance. The result is not clipped (features are computed on floats).
 *
 * @param probability chance that an utterance is augmented, 0..1
 * @param minSnrDb lowest SNR in dB
 * @param maxSnrDb highest SNR in dB
 * @param source where the noise comes from
 */
public record NoiseAugment(double probability, double minSnrDb, double maxSnrDb, NoiseSource source) {

  public NoiseAugment {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    if (!(minSnrDb <= maxSnrDb)) {
      throw new IllegalArgumentException("SNR range " + minSnrDb + ".." + maxSnrDb + " dB is empty");
    }
  }

  /** The audio, with noise added or (with probability 1 − p) unchanged; draws only from {@code random}. */
  public Audio apply(Audio audio, Random random) {
    random = Randoms.fork(random); // one draw from the caller's generator, whatever happens here
    if (random.nextDouble() >= probability) {
      return audio;
    }
    double snr = minSnrDb + (maxSnrDb - minSnrDb) * random.nextDouble();
    float[] noise = source.noise(audio.samples().length, audio.sampleRate(), random);
    return new Audio(mix(audio.samples(), noise, snr), audio.sampleRate());
  }

  /** {@code speech} plus {@code noise} scaled to {@code snrDb} below it; silent inputs are returned as a copy. */
  public static float[] mix(float[] speech, float[] noise, double snrDb) {
    if (noise.length != speech.length) {
      throw new IllegalArgumentException("noise has " + noise.length + " samples, speech " + speech.length);
    }
    double ps = power(speech);
    double pn = power(noise);
    float[] out = speech.clone();
    if (ps == 0 || pn == 0) {
      return out;
    }
    double gain = Math.sqrt(ps / (pn * Math.pow(10, snrDb / 10)));
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (speech[i] + gain * noise[i]);
    }
    return out;
  }

  /** Mean square of the samples. */
  public static double power(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return x.length == 0 ? 0 : s / x.length;
  }
}
