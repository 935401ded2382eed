package org.asr3m.cli;

import org.asr3m.audio.AudioOptions;
import org.asr3m.features.FbankOptions;
import picocli.CommandLine.Option;

/** Audio decoding and fbank options shared by every command that reads audio. */
final class AudioMixin {
  @Option(names = "--resample", description = "Resample audio whose rate differs from --sample-rate "
      + "(band-limited sinc); without it a rate mismatch is an error.")
  boolean resample;

  @Option(names = "--channel", paramLabel = "N", defaultValue = "-1",
      description = "0-based channel to use from multi-channel audio (default: audio must be mono).")
  int channel;

  @Option(names = "--sample-rate", paramLabel = "HZ", defaultValue = "16000",
      description = "Sample rate the features are computed at (default: ${DEFAULT-VALUE}).")
  int sampleRate;

  @Option(names = "--num-mel-bins", paramLabel = "N", defaultValue = "80",
      description = "Number of mel bins (default: ${DEFAULT-VALUE}).")
  int numMelBins;

  @Option(names = "--dither", paramLabel = "D", defaultValue = "0.0",
      description = "Gaussian dither on int16-range samples (default: ${DEFAULT-VALUE}; WeNet trains with 1.0).")
  double dither;

  AudioOptions audioOptions() {
    return new AudioOptions(channel, sampleRate, resample);
  }

  FbankOptions fbankOptions() {
    FbankOptions w = FbankOptions.WENET;
    return new FbankOptions(numMelBins, w.frameLengthMs(), w.frameShiftMs(), dither, sampleRate, w.lowFreq(),
        w.highFreq(), w.preemphasis());
  }
}
