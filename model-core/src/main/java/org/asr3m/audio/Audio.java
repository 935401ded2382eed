package org.asr3m.audio;

/**
 * Mono audio: samples normalised to [-1, 1] (as torchaudio loads them) at a given sample rate.
 *
 * @param samples normalised samples
 * @param sampleRate samples per second
 */
public record Audio(float[] samples, int sampleRate) {

  public double durationSeconds() {
    return samples.length / (double) sampleRate;
  }

  /** Samples from {@code startSec} to {@code endSec} (negative end = to the end), as in Kaldi segments. */
  public Audio slice(double startSec, double endSec) {
    int from = (int) Math.round(startSec * sampleRate);
    int to = endSec < 0 ? samples.length : (int) Math.min(samples.length, Math.round(endSec * sampleRate));
    if (from < 0 || from >= to) {
      throw new IllegalArgumentException(
          "segment " + startSec + "–" + endSec + " s is empty or outside the audio (" + durationSeconds() + " s)");
    }
    return new Audio(java.util.Arrays.copyOfRange(samples, from, to), sampleRate);
  }
}
