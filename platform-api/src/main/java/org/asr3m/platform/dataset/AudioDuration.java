package org.asr3m.platform.dataset;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.io.InputException;

/**
 * The duration of an audio file from its header (WAV: data size / byte rate; FLAC: STREAMINFO's
 * total samples / sample rate), reading a few bytes, so that hours of a large corpus are counted
 * without decoding it; other files (or headers that do not say) are decoded once.
 */
final class AudioDuration {
  private AudioDuration() {}

  static double seconds(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] head = new byte[42];
      int n = f.read(head);
      if (n >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F') {
        double s = wav(f);
        if (s >= 0) {
          return s;
        }
      } else if (n >= 42 && head[0] == 'f' && head[1] == 'L' && head[2] == 'a' && head[3] == 'C'
          && (head[4] & 0x7f) == 0) {
        // STREAMINFO body starts at byte 8: rate (20 bits) at body+10, total samples (36 bits) at body+13.5
        int b = 8;
        int rate = ((head[b + 10] & 0xff) << 12) | ((head[b + 11] & 0xff) << 4) | ((head[b + 12] & 0xff) >> 4);
        long total = ((long) (head[b + 13] & 0x0f) << 32) | ((long) (head[b + 14] & 0xff) << 24)
            | ((head[b + 15] & 0xff) << 16) | ((head[b + 16] & 0xff) << 8) | (head[b + 17] & 0xff);
        if (rate > 0 && total > 0) {
          return total / (double) rate;
        }
      } else if (n <= 0) {
        throw new InputException(file, "audio file is empty");
      }
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read audio file: " + e.getMessage(), e);
    }
    return AudioReader.read(file, new AudioOptions(0, 0, false)).durationSeconds();
  }

  /** Seconds of a RIFF/WAVE file, or -1 when its header does not say. */
  private static double wav(RandomAccessFile f) throws IOException {
    long pos = 12;
    long byteRate = 0;
    byte[] hdr = new byte[8];
    while (pos + 8 <= f.length()) {
      f.seek(pos);
      f.readFully(hdr);
      ByteBuffer b = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
      int id = b.getInt(0);
      long size = Integer.toUnsignedLong(b.getInt(4));
      if (id == 0x20746d66) { // "fmt "
        byte[] fmt = new byte[12];
        f.readFully(fmt);
        byteRate = Integer.toUnsignedLong(ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
      } else if (id == 0x61746164) { // "data"
        long available = f.length() - pos - 8;
        long bytes = size == 0xFFFFFFFFL || size > available ? available : size;
        return byteRate > 0 ? bytes / (double) byteRate : -1;
      }
      pos += 8 + size + (size & 1);
    }
    return -1;
  }
}
