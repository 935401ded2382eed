package org.asr3m.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.asr3m.Fixtures;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioReaderTest {
  @TempDir
  Path tmp;

  private static float[] reference() {
    float[] int16Range = Npy.read(Fixtures.path("fbank/utt1.samples.npy")).data();
    float[] normalised = new float[int16Range.length];
    for (int i = 0; i < normalised.length; i++) {
      normalised[i] = int16Range[i] / 32768f;
    }
    return normalised;
  }

  @Test
  void pcm16MatchesTorchaudioSamplesExactly() {
    Audio a = AudioReader.read(Fixtures.path("audio/utt1.wav"), AudioOptions.MONO_16K);
    assertThat(a.sampleRate()).isEqualTo(16000);
    assertThat(a.samples()).containsExactly(reference());
  }

  @Test
  void otherEncodingsDecodeToTheSameSignal() {
    float[] ref = reference();
    for (String name : new String[] {"utt1_s24.wav", "utt1_s32.wav", "utt1_f32.wav", "utt1.flac"}) {
      Audio a = AudioReader.read(Fixtures.path("audio/" + name), AudioOptions.MONO_16K);
      assertThat(a.samples()).as(name).hasSameSizeAs(ref);
      // all were written from the same 16-bit signal, so they agree to well below one int16 step
      assertThat(Fixtures.maxAbsDiff(a.samples(), ref)).as(name).isLessThan(1.0 / 65536);
    }
  }

  @Test
  void flacDecodesExactlyLikeTheWavItWasEncodedFrom() {
    // 0.5 s heads: stereo with mid/side and left/side frames (flac -8 chose them), 8-bit, 24-bit
    String[][] pairs = {{"utt1_ms_head.flac", "utt1_ms_head.wav"}, {"utt1_s8_head.flac", "utt1_u8_head.wav"},
        {"utt1_s24_head.flac", "utt1_s24.wav"}};
    for (String[] pair : pairs) {
      for (int channel = 0; channel < (pair[0].contains("ms") ? 2 : 1); channel++) {
        AudioOptions options = AudioOptions.MONO_16K.withChannel(channel);
        float[] flac = AudioReader.read(Fixtures.path("audio/" + pair[0]), options).samples();
        float[] wav = AudioReader.read(Fixtures.path("audio/" + pair[1]), options).samples();
        assertThat(flac).as("%s channel %d", pair[0], channel).hasSize(8000)
            .containsExactly(Arrays.copyOf(wav, 8000));
      }
    }
  }

  @Test
  void headerLengthEqualsTheDecodedLength() throws IOException {
    AudioOptions resample = AudioOptions.MONO_16K.withResample(true);
    for (String name : new String[] {"utt1.wav", "utt1_s24.wav", "utt1_f32.wav", "utt1.flac", "utt1_8k.wav",
        "utt1_22k.wav", "utt2.wav", "utt3.wav"}) {
      Path file = Fixtures.path("audio/" + name);
      byte[] bytes = Files.readAllBytes(file);
      assertThat(AudioReader.samples(file, bytes, resample)).as(name)
          .isEqualTo(AudioReader.decode(file, bytes, resample).samples().length);
    }
    Path stereo = Fixtures.path("audio/utt1_stereo.wav");
    byte[] stereoBytes = Files.readAllBytes(stereo);
    assertThatThrownBy(() -> AudioReader.samples(stereo, stereoBytes, resample))
        .isInstanceOf(InputException.class).hasMessageContaining("utt1_stereo.wav").hasMessageContaining("2 channels");
    assertThat(AudioReader.samples(stereo, stereoBytes, resample.withChannel(1))).isEqualTo(reference().length);
    Path eight = Fixtures.path("audio/utt1_8k.wav");
    assertThatThrownBy(() -> AudioReader.samples(eight, Files.readAllBytes(eight), AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessageContaining("--resample");
  }

  @Test
  void flacWithoutATotalSampleCountIsLeftToTheDecoder() throws IOException {
    byte[] original = Files.readAllBytes(Fixtures.path("audio/utt1.flac"));
    byte[] bytes = original.clone();
    bytes[21] &= (byte) 0xF0; // STREAMINFO's 36-bit total (low nibble of byte 21, bytes 22-25): 0 means "unknown"
    Arrays.fill(bytes, 22, 26, (byte) 0);
    assertThat(AudioReader.samples(tmp.resolve("x.flac"), bytes, AudioOptions.MONO_16K)).isEqualTo(-1);
    assertThat(AudioReader.samples(tmp.resolve("x.flac"), original, AudioOptions.MONO_16K))
        .isEqualTo(reference().length);
  }

  @Test
  void stereoNeedsAChannel() {
    Path stereo = Fixtures.path("audio/utt1_stereo.wav");
    assertThatThrownBy(() -> AudioReader.read(stereo, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("utt1_stereo.wav").hasMessageContaining("2 channels").hasMessageContaining("--channel");
    Audio left = AudioReader.read(stereo, AudioOptions.MONO_16K.withChannel(0));
    assertThat(left.samples()).containsExactly(reference());
    assertThatThrownBy(() -> AudioReader.read(stereo, AudioOptions.MONO_16K.withChannel(2)))
        .isInstanceOf(InputException.class).hasMessageContaining("2 channel(s)");
  }

  @Test
  void sampleRateMismatchIsAnErrorUnlessResampling() {
    Path low = Fixtures.path("audio/utt1_8k.wav");
    assertThatThrownBy(() -> AudioReader.read(low, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("utt1_8k.wav").hasMessageContaining("8000 Hz").hasMessageContaining("--resample");
    Audio a = AudioReader.read(low, AudioOptions.MONO_16K.withResample(true));
    assertThat(a.sampleRate()).isEqualTo(16000);
  }

  @Test
  void missingEmptyAndForeignFilesAreClearErrors() throws IOException {
    Path missing = tmp.resolve("nope.wav");
    assertThatThrownBy(() -> AudioReader.read(missing, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessage(missing + ": audio file not found");
    Path empty = Files.createFile(tmp.resolve("empty.wav"));
    assertThatThrownBy(() -> AudioReader.read(empty, AudioOptions.MONO_16K))
        .hasMessage(empty + ": audio file is empty");
    Path text = Files.writeString(tmp.resolve("notes.wav"), "hello, not audio");
    assertThatThrownBy(() -> AudioReader.read(text, AudioOptions.MONO_16K))
        .hasMessageContaining("notes.wav").hasMessageContaining("unsupported audio format");
  }

  @Test
  void truncatedWavAndFlacAreDetected() throws IOException {
    byte[] wav = Files.readAllBytes(Fixtures.path("audio/utt1.wav"));
    Path cut = Files.write(tmp.resolve("cut.wav"), Arrays.copyOf(wav, wav.length / 2));
    assertThatThrownBy(() -> AudioReader.read(cut, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessageContaining("cut.wav").hasMessageContaining("truncated WAV");
    Path header = Files.write(tmp.resolve("header.wav"), Arrays.copyOf(wav, 20));
    assertThatThrownBy(() -> AudioReader.read(header, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessageContaining("header.wav");
    byte[] flac = Files.readAllBytes(Fixtures.path("audio/utt1.flac"));
    Path cutFlac = Files.write(tmp.resolve("cut.flac"), Arrays.copyOf(flac, flac.length / 2));
    assertThatThrownBy(() -> AudioReader.read(cutFlac, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessageContaining("cut.flac").hasMessageContaining("FLAC");
  }

  @Test
  void unsupportedWavEncodingIsNamed() throws IOException {
    byte[] wav = Files.readAllBytes(Fixtures.path("audio/utt1.wav"));
    // patch the format tag of the canonical 44-byte header to 2 (MS ADPCM)
    byte[] adpcm = wav.clone();
    adpcm[20] = 2;
    Path p = Files.write(tmp.resolve("adpcm.wav"), adpcm);
    assertThatThrownBy(() -> AudioReader.read(p, AudioOptions.MONO_16K))
        .isInstanceOf(InputException.class).hasMessageContaining("adpcm.wav")
        .hasMessageContaining("unsupported WAV encoding: format tag 2");
  }
}
