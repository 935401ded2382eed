package org.asr3m.features;

/**
 * The natural logarithm for the filterbank's 80 logs a frame, inlined: {@link Math#log} is a call
 * into a HotSpot stub whose calls do not overlap, about a quarter of the frame's time after the
 * FFT moved to MKL. Table-driven: x = 2^e · m, m in [1, 2); the top 7 bits of m pick c near m with
 * ln c tabulated, and ln(m / c), |m/c − 1| < 1/256, is a short series. No division and no branch on
 * the value, so consecutive logs pipeline. Error below 1e-15 · max(1, |ln x|) (a few units in
 * the last place) for positive normal doubles; zero, subnormals, infinities and NaN go to {@link Math#log}.
 */
final class NaturalLog {
  private static final double LN2 = 0.6931471805599453;
  private static final int TABLE_BITS = 7;
  private static final double[] INVERSE = new double[1 << TABLE_BITS];
  private static final double[] LOG = new double[1 << TABLE_BITS];

  static {
    for (int i = 0; i < INVERSE.length; i++) {
      double c = 1.0 + (i + 0.5) / INVERSE.length; // the middle of the mantissas with these top bits
      INVERSE[i] = 1.0 / c;
      LOG[i] = Math.log(c);
    }
  }

  private NaturalLog() {}

  static double of(double x) {
    if (!(x >= Double.MIN_NORMAL && x <= Double.MAX_VALUE)) {
      return Math.log(x);
    }
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) (bits >>> 52) - 1023;
    int i = (int) (bits >>> (52 - TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
    double m = Double.longBitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
    double r = m * INVERSE[i] - 1.0;
    // ln(1 + r) to r⁵: the next term, r⁶/6, is below 6e-16 for |r| < 1/256
    double series = r * (1.0 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * 0.2))));
    return exponent * LN2 + LOG[i] + series;
  }
}
