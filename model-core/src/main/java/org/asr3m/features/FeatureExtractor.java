package org.asr3m.features;

import java.nio.file.Path;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.io.InputException;

/**
 * Audio file (or a segment of it) → fbank matrix. One instance per thread (it owns an
 * {@link Fbank} with its FFT buffers).
 */
public final class FeatureExtractor {
  private final AudioOptions audioOptions;
  private final Fbank fbank;

  public FeatureExtractor(AudioOptions audioOptions, FbankOptions fbankOptions, long ditherSeed) {
    this.audioOptions = new AudioOptions(audioOptions.channel(), fbankOptions.sampleRate(), audioOptions.resample());
    this.fbank = new Fbank(fbankOptions, ditherSeed);
  }

  public Audio load(Path file, double startSec, double endSec) {
    Audio audio = AudioReader.read(file, audioOptions);
    if (startSec > 0 || endSec >= 0) {
      try {
        audio = audio.slice(startSec, endSec);
      } catch (IllegalArgumentException e) {
        throw new InputException(file, e.getMessage());
      }
    }
    return audio;
  }

  /** Features of the whole file or of [startSec, endSec) (endSec < 0: to the end). */
  public float[][] extract(Path file, double startSec, double endSec) {
    return compute(file, load(file, startSec, endSec));
  }

  /** Features of audio already loaded from {@code file} (named in errors). */
  public float[][] compute(Path file, Audio audio) {
    float[][] feats = fbank.compute(audio.samples());
    if (feats.length == 0) {
      throw new InputException(file, String.format("audio is %.4f s long, shorter than one %.0f ms frame",
          audio.durationSeconds(), fbank.options().frameLengthMs()));
    }
    return feats;
  }
}
