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
    int rate = decoded.sampleRate();
    if (mustResample(file, mono.length, rate, options)) {
      return new Audio(Resampler.resample(mono, rate, options.targetRate()), options.targetRate());
    }
    return new Audio(mono, rate);
  }

  /** Checks length and rate against {@code options}; true when the audio must be resampled to its target rate. */
  private static boolean mustResample(Path file, long samples, int rate, AudioOptions options) {
    if (samples == 0) {
      throw new InputException(file, "audio file has no samples");
    }
    if (rate <= 0) {
      throw new InputException(file, "invalid sample rate " + rate);
    }
    if (options.targetRate() > 0 && rate != options.targetRate()) {
      if (!options.resample()) {
        throw new InputException(file, "sample rate is " + rate + " Hz but " + options.targetRate()
            + " Hz is required (pass --resample to convert)");
      }
      return true;
    }
    return false;
  }

  /**
   * The length {@link #decode} would return, from the header alone: samples of the chosen channel at
   * the requested rate, or -1 when the header does not say (a FLAC stream without a total sample
   * count). Header problems (format, channels, rate) fail as in {@link #decode}; a corrupt payload
   * behind a valid header is only found by decoding.
   */
  public static long samples(Path name, byte[] bytes, AudioOptions options) {
    if (bytes.length == 0) {
      throw new InputException(name, "audio file is empty");
    }
    AudioShape shape;
    if (isWav(bytes)) {
      shape = WavReader.shape(name, bytes);
    } else if (isFlac(bytes)) {
      shape = FlacReader.shape(name, bytes);
    } else {
      throw unsupportedFormat(name);
    }
    if (shape == null) {
      return -1;
    }
    checkChannel(name, shape.channels(), options.channel());
    if (mustResample(name, shape.samples(), shape.sampleRate(), options)) {
      return Resampler.outputLength(Math.toIntExact(shape.samples()), shape.sampleRate(), options.targetRate());
    }
    return shape.samples();
  }

  private static boolean isWav(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == 'F';
  }

  private static boolean isFlac(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == 'f' && bytes[1] == 'L' && bytes[2] == 'a' && bytes[3] == 'C';
  }

  private static DecodedAudio decode(Path file, byte[] bytes) {
    if (isWav(bytes)) {
      return WavReader.decode(file, bytes);
    }
    if (isFlac(bytes)) {
      return FlacReader.decode(file, bytes);
    }
    throw unsupportedFormat(file);
  }

  private static InputException unsupportedFormat(Path file) {
    return new InputException(file, "unsupported audio format (expected RIFF/WAVE or FLAC)");
  }

  private static float[] pickChannel(Path file, DecodedAudio decoded, int channel) {
    checkChannel(file, decoded.channels().length, channel);
    return decoded.channels()[Math.max(0, channel)];
  }

  private static void checkChannel(Path file, int channels, int channel) {
    if (channel < 0) {
      if (channels != 1) {
        throw new InputException(file, "audio has " + channels
            + " channels; pick one with --channel (0-based) or convert to mono");
      }
    } else if (channel >= channels) {
      throw new InputException(file, "--channel " + channel + " requested but the audio has " + channels
          + " channel(s)");
    }
  }
}
