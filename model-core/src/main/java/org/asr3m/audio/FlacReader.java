package org.asr3m.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/** FLAC decoder (jflac). Samples are normalised by 2^(bits-1), like {@link WavReader}. */
public final class FlacReader {
  private FlacReader() {}

  static DecodedAudio decode(Path file, byte[] bytes) {
    Collector collector = new Collector();
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    decoder.addPCMProcessor(collector);
    try {
      decoder.decode();
    } catch (IOException | RuntimeException e) {
      throw new InputException(file, 0, "corrupt FLAC: " + e.getMessage(), e);
    }
    StreamInfo info = collector.info;
    if (info == null) {
      throw new InputException(file, "corrupt FLAC: no STREAMINFO block");
    }
    int channels = info.getChannels();
    int bits = info.getBitsPerSample();
    int width = (bits + 7) / 8;
    int frames = collector.length / (width * channels);
    long expected = info.getTotalSamples();
    if (expected > 0 && frames < expected) {
      throw new InputException(file, "truncated FLAC: STREAMINFO announces " + expected + " samples but only "
          + frames + " could be decoded");
    }
    byte[] pcm = collector.pcm;
    float[][] out = new float[channels][frames];
    double scale = 1.0 / (1L << (bits - 1));
    int p = 0;
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        int v = 0;
        for (int b = 0; b < width; b++) {
          v |= (pcm[p + b] & 0xFF) << (8 * b);
        }
        if (width < 4) {
          int shift = 32 - 8 * width;
          v = (v << shift) >> shift; // sign-extend
        }
        if (width == 1 && bits == 8) {
          // jflac hands out 8-bit samples unsigned, as WAV does
          v = (pcm[p] & 0xFF) - 128;
        }
        out[c][i] = (float) (v * scale);
        p += width;
      }
    }
    return new DecodedAudio(out, info.getSampleRate());
  }

  /**
   * Channels, rate and samples per channel from STREAMINFO (the first metadata block, which the
   * format requires), or null when the encoder left the total sample count unknown (0).
   */
  static AudioShape shape(Path file, byte[] bytes) {
    if (bytes.length < 8 + 34 || (bytes[4] & 0x7F) != 0) {
      throw new InputException(file, "corrupt FLAC: no STREAMINFO block");
    }
    long v = 0;
    for (int i = 18; i < 26; i++) {
      v = (v << 8) | (bytes[i] & 0xFF);
    }
    // sample rate (20 bits), channels − 1 (3), bits per sample − 1 (5), total samples (36)
    long total = v & 0xF_FFFF_FFFFL;
    return total == 0 ? null : new AudioShape((int) ((v >>> 41) & 7) + 1, (int) (v >>> 44), total);
  }

  private static final class Collector implements PCMProcessor {
    StreamInfo info;
    byte[] pcm = new byte[1 << 16];
    int length;

    @Override
    public void processStreamInfo(StreamInfo streamInfo) {
      this.info = streamInfo;
      long total = streamInfo.getTotalSamples() * streamInfo.getChannels()
          * ((streamInfo.getBitsPerSample() + 7) / 8);
      if (total > 0 && total < Integer.MAX_VALUE) {
        pcm = new byte[(int) total];
      }
    }

    @Override
    public void processPCM(ByteData data) {
      int n = data.getLen();
      if (length + n > pcm.length) {
        pcm = java.util.Arrays.copyOf(pcm, Math.max(pcm.length * 2, length + n));
      }
      System.arraycopy(data.getData(), 0, pcm, length, n);
      length += n;
    }
  }
}
