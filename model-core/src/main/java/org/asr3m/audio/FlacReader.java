package org.asr3m.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

/** FLAC decoder (jflac). Samples are normalised by 2^(bits-1), like {@link WavReader}. */
public final class FlacReader {
  private FlacReader() {}

  static DecodedAudio decode(Path file, byte[] bytes) {
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    float[][] out;
    int frames = 0;
    StreamInfo info;
    try {
      decoder.readMetadata();
      info = decoder.getStreamInfo();
      if (info == null) {
        throw new InputException(file, "corrupt FLAC: no STREAMINFO block");
      }
      // sized from STREAMINFO, but a corrupt count must not allocate gigabytes: grown as decoded
      long total = info.getTotalSamples();
      out = new float[info.getChannels()][total > 0 ? (int) Math.min(total, 1 << 24) : 1 << 16];
      double scale = 1.0 / (1L << (info.getBitsPerSample() - 1));
      // the decoded integer samples frame by frame: jflac's own PCM callback packs them into
      // little-endian bytes first, which took a sixth of the training loader's time with unpacking
      for (Frame frame; (frame = decoder.readNextFrame()) != null; ) {
        int n = frame.header.blockSize;
        ChannelData[] data = decoder.getChannelData();
        if (frames + n > out[0].length) {
          for (int c = 0; c < out.length; c++) {
            out[c] = java.util.Arrays.copyOf(out[c], Math.max(2 * out[c].length, frames + n));
          }
        }
        for (int c = 0; c < out.length; c++) {
          int[] samples = data[c].getOutput();
          float[] dst = out[c];
          for (int i = 0; i < n; i++) {
            dst[frames + i] = (float) (samples[i] * scale);
          }
        }
        frames += n;
      }
    } catch (InputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InputException(file, 0, "corrupt FLAC: " + e.getMessage(), e);
    }
    long expected = info.getTotalSamples();
    if (expected > 0 && frames < expected) {
      throw new InputException(file, "truncated FLAC: STREAMINFO announces " + expected + " samples but only "
          + frames + " could be decoded");
    }
    if (decoder.getBadFrames() > 0) {
      throw new InputException(file, "corrupt FLAC: " + decoder.getBadFrames() + " frame(s) could not be decoded");
    }
    for (int c = 0; c < out.length; c++) {
      if (out[c].length != frames) {
        out[c] = java.util.Arrays.copyOf(out[c], frames);
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
}
