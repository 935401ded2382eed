package org.asr3m.features;

import java.util.Random;

/** Helpers for the per-utterance generators that augmentation draws from. */
public final class Randoms {
  private Randoms() {}

  /**
   * A new generator seeded from {@code random} through the SplitMix64 finaliser. java.util.Random's
   * first output barely changes between neighbouring seeds (seed, epoch + 1, …), so a probability
   * test on it would take the same branch for an utterance in every epoch; the mixed seed does not.
   */
  public static Random fork(Random random) {
    long z = random.nextLong() + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }
}
