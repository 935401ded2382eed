package org.asr3m.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Mono audio → a 16-bit PCM WAV file in memory (the JDK's writer). Samples are scaled by 32768 and
 * rounded, the inverse of {@link WavReader}, so audio read from a 16-bit file is written back unchanged.
 */
public final class WavWriter {
  private WavWriter() {}

  public static byte[] pcm16(Audio audio) {
    float[] x = audio.samples();
    byte[] pcm = new byte[x.length * 2];
    for (int i = 0; i < x.length; i++) {
      int v = (int) Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768.0)));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat format = new AudioFormat(audio.sampleRate(), 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 44);
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, x.length)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }
}
