package org.asr3m;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the committed reference fixtures (written by the generators under tools/). */
public final class Fixtures {
  private Fixtures() {}

  public static Path path(String relative) {
    try {
      var url = Fixtures.class.getResource("/fixtures/" + relative);
      if (url == null) {
        throw new IllegalStateException("fixture missing: fixtures/" + relative + " (regenerate with tools/)");
      }
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Relative Frobenius error ||a − b|| / ||b||. */
  public static double relativeFrobenius(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("length " + a.length + " != " + b.length);
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      num += d * d;
      den += (double) b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }

  public static float[] flatten(float[][] m) {
    int cols = m.length == 0 ? 0 : m[0].length;
    float[] out = new float[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * cols, cols);
    }
    return out;
  }

  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("length " + a.length + " != " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
