package org.asr3m.audio;

/**
 * How to turn a file into mono audio at the rate the model wants.
 *
 * @param channel channel to keep from a multi-channel file, or -1 to require mono
 * @param targetRate sample rate the caller needs, or 0 to accept the file's own rate
 * @param resample when the rates differ: resample (true) or fail with an error (false)
 */
public record AudioOptions(int channel, int targetRate, boolean resample) {

  public static final AudioOptions MONO_16K = new AudioOptions(-1, 16000, false);

  public AudioOptions withResample(boolean value) {
    return new AudioOptions(channel, targetRate, value);
  }

  public AudioOptions withChannel(int value) {
    return new AudioOptions(value, targetRate, resample);
  }
}
