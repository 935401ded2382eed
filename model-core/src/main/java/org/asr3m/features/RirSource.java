package org.asr3m.features;

import java.util.Random;

/** Where room impulse responses come from: synthesised, or read from recorded files. */
public interface RirSource {
  /** One impulse response at {@code sampleRate}, drawn with {@code random} only. */
  float[] rir(int sampleRate, Random random);
}
