package org.asr3m.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir
  Path tmp;

  @Test
  void roundTripsAMatrixInNumpyLayout() throws Exception {
    float[][] m = {{1.5f, -2f, 3.25f}, {4f, 5f, Float.MIN_VALUE}};
    Path file = tmp.resolve("m.npy");
    Npy.write(file, m);
    byte[] bytes = Files.readAllBytes(file);
    int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
    // numpy format 1.0: magic, version, header padded so the data starts on a 64-byte boundary
    assertThat((10 + headerLen) % 64).isZero();
    String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
    assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
    assertThat(bytes.length).isEqualTo(10 + headerLen + 6 * 4);
    Npy.Array back = Npy.read(file);
    assertThat(back.shape()).containsExactly(2, 3);
    assertThat(back.toMatrix()).isDeepEqualTo(m);
  }

  @Test
  void rankOneShapeHasTrailingComma() throws Exception {
    Path file = tmp.resolve("v.npy");
    Npy.write(file, new int[] {3}, new float[] {1, 2, 3});
    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).contains("'shape': (3,)");
    assertThat(Npy.read(file).data()).containsExactly(1, 2, 3);
  }

  @Test
  void rejectsOtherFilesWithTheirName() throws Exception {
    Path text = Files.writeString(tmp.resolve("x.npy"), "not numpy");
    assertThatThrownBy(() -> Npy.read(text)).isInstanceOf(InputException.class)
        .hasMessage(text + ": not a .npy file");
  }
}
