package org.asr3m.features;

import java.util.Random;

/**
 * Noise cut from recorded files: a file and a start offset are drawn; a file shorter than the
 * utterance is repeated (looped) to cover it.
 */
public record NoiseFiles(AudioFileList files) implements NoiseSource {
  @Override
  public float[] noise(int length, int sampleRate, Random random) {
    if (sampleRate != AudioFileList.RATE) {
      throw new IllegalArgumentException("noise files are read at " + AudioFileList.RATE + " Hz, audio is " + sampleRate);
    }
    float[] src = files.samples(random.nextInt(files.size()));
    float[] out = new float[length];
    int start = random.nextInt(src.length);
    for (int i = 0; i < length; i++) {
      out[i] = src[(start + i) % src.length];
    }
    return out;
  }
}
