package org.asr3m.io;

import java.io.IOException;
import java.io.Writer;

/** Kaldi's text archive form of a matrix: {@code key  [\n  v v v\n  v v v ]}. */
public final class KaldiTextMatrix {
  private KaldiTextMatrix() {}

  public static void write(Writer out, String key, float[][] matrix) throws IOException {
    out.write(key);
    out.write("  [");
    if (matrix.length == 0) {
      out.write(" ]\n");
      return;
    }
    out.write('\n');
    StringBuilder line = new StringBuilder(matrix[0].length * 10);
    for (int r = 0; r < matrix.length; r++) {
      line.setLength(0);
      line.append(' ');
      for (float v : matrix[r]) {
        line.append(' ').append(v);
      }
      line.append(r == matrix.length - 1 ? " ]\n" : " \n");
      out.write(line.toString());
    }
  }
}
