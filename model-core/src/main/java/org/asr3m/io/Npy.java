package org.asr3m.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} (format 1.0) for little-endian float32 arrays of rank 1 or 2 in C order: what
 * {@code numpy.load} reads and what the PyTorch fixture generators write.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** A float32 array with its shape. */
  public record Array(int[] shape, float[] data) {
    public float[][] toMatrix() {
      if (shape.length != 2) {
        throw new IllegalStateException("array has rank " + shape.length + ", not 2");
      }
      float[][] m = new float[shape[0]][shape[1]];
      for (int r = 0; r < shape[0]; r++) {
        System.arraycopy(data, r * shape[1], m[r], 0, shape[1]);
      }
      return m;
    }
  }

  public static void write(Path file, float[][] matrix) throws IOException {
    int cols = matrix.length == 0 ? 0 : matrix[0].length;
    float[] flat = new float[matrix.length * cols];
    for (int r = 0; r < matrix.length; r++) {
      System.arraycopy(matrix[r], 0, flat, r * cols, cols);
    }
    write(file, new int[] {matrix.length, cols}, flat);
  }

  public static void write(Path file, int[] shape, float[] data) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(toBytes(shape, data));
    }
  }

  /** The .npy encoding of a float32 array (also used for the entries of .npz archives). */
  public static byte[] toBytes(int[] shape, float[] data) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
    int unpadded = MAGIC.length + 4 + header.length() + 1;
    int pad = (64 - unpadded % 64) % 64; // header block is a multiple of 64 bytes
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.US_ASCII));
    buf.asFloatBuffer().put(data);
    return buf.array();
  }

  public static Array read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file, "file not found");
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read: " + e.getMessage(), e);
    }
    return fromBytes(file, bytes);
  }

  /** Decodes .npy bytes; {@code file} names the source in errors. */
  public static Array fromBytes(Path file, byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new InputException(file, "not a .npy file");
      }
    }
    int major = bytes[6];
    int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
    int headerStart = major == 1 ? 10 : 12;
    String header = new String(bytes, headerStart, headerLen, StandardCharsets.US_ASCII);
    Matcher descr = DESCR.matcher(header);
    Matcher order = ORDER.matcher(header);
    Matcher shapeM = SHAPE.matcher(header);
    if (!descr.find() || !order.find() || !shapeM.find()) {
      throw new InputException(file, "malformed .npy header: " + header.trim());
    }
    if (!descr.group(1).equals("<f4") || order.group(1).equals("True")) {
      throw new InputException(file, "only little-endian float32 C-order arrays are supported, got "
          + descr.group(1) + (order.group(1).equals("True") ? " (Fortran order)" : ""));
    }
    String[] parts = shapeM.group(1).split(",");
    int count = 0;
    int[] shape = new int[parts.length];
    for (String p : parts) {
      if (!p.isBlank()) {
        shape[count++] = Integer.parseInt(p.trim());
      }
    }
    shape = java.util.Arrays.copyOf(shape, count);
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    int dataStart = headerStart + headerLen;
    if (bytes.length - dataStart < n * 4) {
      throw new InputException(file, "truncated .npy: expected " + n + " float32 values");
    }
    float[] data = new float[(int) n];
    buf.position(dataStart);
    buf.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    return new Array(shape, data);
  }
}
