package org.asr3m.features;

import java.util.Random;

/** Where additive noise comes from: generated, or cut from recorded files. */
public interface NoiseSource {
  /**
   * {@code length} samples of noise at {@code sampleRate}, drawn with {@code random} only (so the
   * same generator state gives the same noise). The level is arbitrary; the caller scales it.
   */
  float[] noise(int length, int sampleRate, Random random);
}
