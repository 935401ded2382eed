package org.asr3m.features;

import java.util.List;
import java.util.Random;

/**
 * Generated Gaussian noise with a power spectrum of 1/f^k: white (k = 0), pink (k = 1) or brown
 * (k = 2), shaped in the frequency domain and flat below 20 Hz. One colour is drawn per call.
 *
 * @param colours the colours to draw from uniformly
 */
public record ColouredNoise(List<String> colours) implements NoiseSource {
  public static final List<String> KNOWN = List.of("white", "pink", "brown");

  public ColouredNoise {
    if (colours.isEmpty()) {
      throw new IllegalArgumentException("coloured noise needs at least one colour");
    }
    for (String c : colours) {
      if (!KNOWN.contains(c)) {
        throw new IllegalArgumentException("unknown noise colour '" + c + "' (known: " + String.join(", ", KNOWN) + ")");
      }
    }
    colours = List.copyOf(colours);
  }

  @Override
  public float[] noise(int length, int sampleRate, Random random) {
    String colour = colours.get(random.nextInt(colours.size()));
    int n = Integer.highestOneBit(Math.max(2, length - 1)) << 1;
    double[] x = new double[n];
    Gaussian gaussian = new Gaussian(random.nextLong());
    for (int i = 0; i < n; i++) {
      x[i] = gaussian.next();
    }
    double exponent = KNOWN.indexOf(colour) / 2.0; // amplitude ∝ f^(-k/2)
    if (exponent > 0) {
      var fft = Fft.of(n);
      fft.realForward(x);
      x[0] = 0; // no DC
      x[1] *= Math.pow(sampleRate / 2.0, -exponent);
      for (int k = 1; k < n / 2; k++) {
        double f = Math.max(20.0, k * (double) sampleRate / n);
        double g = exponent == 1 ? 1 / f : 1 / Math.sqrt(f); // pink or brown: no pow per bin
        x[2 * k] *= g;
        x[2 * k + 1] *= g;
      }
      fft.realInverse(x, true);
    }
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }
}
