package org.asr3m.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.asr3m.io.InputException;

/**
 * RIFF/WAVE decoder for PCM 8/16/24/32-bit integer and IEEE float 32/64-bit, including
 * WAVE_FORMAT_EXTENSIBLE. Integer samples are normalised by 2^(bits-1), as torchaudio does, so
 * the int16-range waveform fed to fbank equals Kaldi's.
 */
public final class WavReader {
  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_FLOAT = 3;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;

  private WavReader() {}

  /** Decodes all channels: {@code result[channel][sample]}. */
  static DecodedAudio decode(Path file, byte[] bytes) {
    Header h = header(file, bytes);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    return new DecodedAudio(samples(file, buf, h.dataOffset, h.dataBytes, h.format, h.channels, h.bits), h.rate);
  }

  /** Channels, rate and samples per channel from the header alone (the data is not read). */
  static AudioShape shape(Path file, byte[] bytes) {
    Header h = header(file, bytes);
    checkEncoding(file, h.format, h.channels, h.bits);
    return new AudioShape(h.channels, h.rate, h.dataBytes / (h.bits / 8 * h.channels));
  }

  private record Header(int format, int channels, int rate, int bits, int dataOffset, int dataBytes) {}

  private static Header header(Path file, byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || buf.getInt(0) != 0x46464952 || buf.getInt(8) != 0x45564157) {
      throw new InputException(file, "not a RIFF/WAVE file");
    }
    int pos = 12;
    int format = -1;
    int channels = 0;
    int rate = 0;
    int bits = 0;
    while (pos + 8 <= bytes.length) {
      int id = buf.getInt(pos);
      long size = Integer.toUnsignedLong(buf.getInt(pos + 4));
      int body = pos + 8;
      if (id == 0x20746d66) { // "fmt "
        if (size < 16 || body + 16 > bytes.length) {
          throw new InputException(file, "truncated WAV: 'fmt ' chunk is incomplete");
        }
        format = Short.toUnsignedInt(buf.getShort(body));
        channels = Short.toUnsignedInt(buf.getShort(body + 2));
        rate = buf.getInt(body + 4);
        bits = Short.toUnsignedInt(buf.getShort(body + 14));
        if (format == FORMAT_EXTENSIBLE) {
          if (size < 40 || body + 26 > bytes.length) {
            throw new InputException(file, "truncated WAV: WAVE_FORMAT_EXTENSIBLE header is incomplete");
          }
          format = Short.toUnsignedInt(buf.getShort(body + 24)); // first two bytes of the sub-format GUID
        }
      } else if (id == 0x61746164) { // "data"
        if (format < 0) {
          throw new InputException(file, "malformed WAV: 'data' chunk before 'fmt ' chunk");
        }
        long available = bytes.length - (long) body;
        if (size > available && size != 0xFFFFFFFFL) {
          throw new InputException(file, "truncated WAV: header announces " + size + " data bytes but only "
              + available + " are present");
        }
        return new Header(format, channels, rate, bits, body, (int) Math.min(size, available));
      }
      pos = body + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - body); // chunks are word-aligned
    }
    throw new InputException(file, format < 0 ? "malformed WAV: no 'fmt ' chunk" : "malformed WAV: no 'data' chunk");
  }

  private static void checkEncoding(Path file, int format, int channels, int bits) {
    if (channels < 1) {
      throw new InputException(file, "malformed WAV: " + channels + " channels");
    }
    boolean supported = (format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32))
        || (format == FORMAT_FLOAT && (bits == 32 || bits == 64));
    if (!supported) {
      throw new InputException(file, "unsupported WAV encoding: format tag " + format + " with " + bits
          + " bits per sample (supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit)");
    }
  }

  private static float[][] samples(Path file, ByteBuffer buf, int offset, int dataBytes, int format,
      int channels, int bits) {
    checkEncoding(file, format, channels, bits);
    int width = bits / 8;
    int frames = dataBytes / (width * channels);
    float[][] out = new float[channels][frames];
    if (format == FORMAT_PCM && bits == 16) {
      // the common case (and what make-shards writes): one bulk read instead of a call per sample
      short[] pcm = new short[frames * channels];
      buf.duplicate().order(buf.order()).position(offset).asShortBuffer().get(pcm);
      for (int i = 0, k = 0; i < frames; i++) {
        for (int c = 0; c < channels; c++) {
          out[c][i] = pcm[k++] / 32768f;
        }
      }
      return out;
    }
    int p = offset;
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        out[c][i] = sample(buf, p, format, bits);
        p += width;
      }
    }
    return out;
  }

  /** One sample of the encodings other than 16-bit PCM (which {@link #samples} reads in bulk). */
  private static float sample(ByteBuffer buf, int p, int format, int bits) {
    if (format == FORMAT_FLOAT) {
      return bits == 32 ? buf.getFloat(p) : (float) buf.getDouble(p);
    }
    switch (bits) {
      case 8:
        return ((buf.get(p) & 0xFF) - 128) / 128f; // 8-bit WAV is unsigned
      case 24: {
        int v = (buf.get(p) & 0xFF) | ((buf.get(p + 1) & 0xFF) << 8) | (buf.get(p + 2) << 16);
        return v / 8388608f;
      }
      default:
        return (float) (buf.getInt(p) / 2147483648.0);
    }
  }
}
