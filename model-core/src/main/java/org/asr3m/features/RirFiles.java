package org.asr3m.features;

import java.util.Random;

/** Room impulse responses read from recorded files (one response per file, drawn uniformly). */
public record RirFiles(AudioFileList files) implements RirSource {
  @Override
  public float[] rir(int sampleRate, Random random) {
    if (sampleRate != AudioFileList.RATE) {
      throw new IllegalArgumentException("impulse responses are read at " + AudioFileList.RATE + " Hz, audio is "
          + sampleRate);
    }
    return files.samples(random.nextInt(files.size()));
  }
}
