package org.asr3m.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.asr3m.io.InputException;

/**
 * Reads WAV or FLAC (recognised by content, not by extension) into mono audio at the requested
 * rate. Every failure is an {@link InputException} naming the file.
 */
public final class AudioReader {
  private AudioReader() {}

  public static Audio read(Path file, AudioOptions options) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file, "audio file not found");
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read audio file: " + e.getMessage(), e);
    }
    return decode(file, bytes, options);
  }

  /**
   * Decodes WAV or FLAC bytes (an audio file already in memory, such as a shard member) into mono audio
   * at the requested rate; {@code name} is what error messages call it.
   */
  public static Audio decode(Path name, byte[] bytes, AudioOptions options) {
    Path file = name;
    if (bytes.length == 0) {
      throw new InputException(file, "audio file is empty");
    }
    DecodedAudio decoded = decode(file, bytes);
    float[] mono = pickChannel(file, decoded, options.channel());
    if (mono.length == 0) {
      throw new InputException(file, "audio file has no samples");
    }
    int rate = decoded.sampleRate();
    if (rate <= 0) {
      throw new InputException(file, "invalid sample rate " + rate);
    }
    if (options.targetRate() > 0 && rate != options.targetRate()) {
      if (!options.resample()) {
        throw new InputException(file, "sample rate is " + rate + " Hz but " + options.targetRate()
            + " Hz is required (pass --resample to convert)");
      }
      return new Audio(Resampler.resample(mono, rate, options.targetRate()), options.targetRate());
    }
    return new Audio(mono, rate);
  }

  private static DecodedAudio decode(Path file, byte[] bytes) {
    if (bytes.length >= 4 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == 'F') {
      return WavReader.decode(file, bytes);
    }
    if (bytes.length >= 4 && bytes[0] == 'f' && bytes[1] == 'L' && bytes[2] == 'a' && bytes[3] == 'C') {
      return FlacReader.decode(file, bytes);
    }
    throw new InputException(file, "unsupported audio format (expected RIFF/WAVE or FLAC)");
  }

  private static float[] pickChannel(Path file, DecodedAudio decoded, int channel) {
    int channels = decoded.channels().length;
    if (channel < 0) {
      if (channels != 1) {
        throw new InputException(file, "audio has " + channels
            + " channels; pick one with --channel (0-based) or convert to mono");
      }
      return decoded.channels()[0];
    }
    if (channel >= channels) {
      throw new InputException(file, "--channel " + channel + " requested but the audio has " + channels
          + " channel(s)");
    }
    return decoded.channels()[channel];
  }
}
