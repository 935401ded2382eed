package org.asr3m.features;

import java.util.Random;
import org.asr3m.audio.Audio;

/**
 * Reverberation by convolution with a room impulse response (on-the-fly augmentation): with
 * probability {@code probability} an utterance is convolved with a response from {@code source}.
 * The output keeps the input's length and is aligned on the response's direct path (its largest
 * tap), so the transcript's timing does not move; the tail past the end is cut. It is rescaled to
 * the input's power, so reverberation changes the sound, not the level.
 *
 * @param probability chance that an utterance is augmented, 0..1
 * @param source where the impulse responses come from
 */
public record ReverbAugment(double probability, RirSource source) {

  public ReverbAugment {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
  }

  /** The audio, reverberated or (with probability 1 − p) unchanged; draws only from {@code random}. */
  public Audio apply(Audio audio, Random random) {
    random = Randoms.fork(random); // one draw from the caller's generator, whatever happens here
    if (random.nextDouble() >= probability) {
      return audio;
    }
    return new Audio(reverberate(audio.samples(), source.rir(audio.sampleRate(), random)), audio.sampleRate());
  }

  /** {@code x} convolved with {@code rir}, same length, aligned on the direct path, same power as {@code x}. */
  public static float[] reverberate(float[] x, float[] rir) {
    int direct = 0;
    for (int i = 1; i < rir.length; i++) {
      if (Math.abs(rir[i]) > Math.abs(rir[direct])) {
        direct = i;
      }
    }
    double[] y = Convolution.full(x, rir);
    double py = 0;
    for (int i = 0; i < x.length; i++) {
      py += y[i + direct] * y[i + direct];
    }
    py /= x.length;
    double px = NoiseAugment.power(x);
    float[] out = new float[x.length];
    if (py == 0 || px == 0) {
      return x.clone();
    }
    double gain = Math.sqrt(px / py);
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (gain * y[i + direct]);
    }
    return out;
  }
}
