package org.asr3m.features;

import java.util.Arrays;
import java.util.Random;
import org.asr3m.audio.Audio;
import org.asr3m.audio.Resampler;

/**
 * Speed perturbation (default factors 0.9 / 1.0 / 1.1, as WeNet): changes tempo and pitch together
 * by reinterpreting the audio at rate × factor and band-limited resampling back to the rate.
 *
 * @param factors speeds to draw from uniformly
 */
public record SpeedPerturb(double[] factors) {

  public static final SpeedPerturb DEFAULT = new SpeedPerturb(new double[] {0.9, 1.0, 1.1});

  public SpeedPerturb {
    if (factors.length == 0) {
      throw new IllegalArgumentException("speed perturbation needs at least one factor");
    }
    for (double f : factors) {
      if (!(f > 0.1 && f < 10)) {
        throw new IllegalArgumentException("speed factor " + f + " is outside (0.1, 10)");
      }
    }
    factors = factors.clone();
  }

  public Audio apply(Audio audio, Random random) {
    return apply(audio, factors[random.nextInt(factors.length)]);
  }

  /** Audio played at {@code factor} × speed (factor 1.1 is 10 % shorter). */
  public static Audio apply(Audio audio, double factor) {
    if (factor == 1.0) {
      return audio;
    }
    int rate = audio.sampleRate();
    int asIf = (int) Math.round(rate * factor);
    return new Audio(Resampler.resample(audio.samples(), asIf, rate), rate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpeedPerturb other && Arrays.equals(factors, other.factors);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(factors);
  }

  @Override
  public String toString() {
    return "SpeedPerturb" + Arrays.toString(factors);
  }
}
