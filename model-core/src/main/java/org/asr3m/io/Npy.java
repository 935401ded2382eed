package org.asr3m.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
 * NumPy {@code .npy} (format 1.0) for little-endian float32 arrays in C order: what
 * {@code numpy.load} reads and what the PyTorch fixture generators write. Reading also accepts
 * format 2.0 and 3.0 headers.
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

  /** The header of a float32 array: its shape and the header's own length in bytes (the data follows it). */
  public record Header(long[] shape, int length) {
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    /** Bytes of float32 data after the header. */
    public long dataBytes() {
      return elements() * Float.BYTES;
    }

    public int[] intShape() {
      int[] s = new int[shape.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = Math.toIntExact(shape[i]);
      }
      return s;
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

  /** The .npy encoding of a float32 array. */
  public static byte[] toBytes(int[] shape, float[] data) {
    byte[] header = header(toLong(shape));
    ByteBuffer buf = ByteBuffer.allocate(header.length + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(header);
    buf.asFloatBuffer().put(data);
    return buf.array();
  }

  /**
   * The format 1.0 header of a little-endian float32 C-order array of this shape, padded (as numpy
   * pads it) so the data starts on a 64-byte boundary.
   */
  public static byte[] header(long[] shape) {
    StringBuilder dims = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      dims.append(','); // numpy's 1-tuple
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    String text = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    if (text.length() > 0xFFFF) {
      throw new IllegalArgumentException("array of rank " + shape.length + " has too long a .npy header");
    }
    ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
    buf.put(text.getBytes(StandardCharsets.US_ASCII));
    return buf.array();
  }

  /**
   * Reads a .npy header from {@code in}, leaving the stream at the first data byte. Errors name
   * {@code file} and, inside an archive, the {@code entry}.
   */
  public static Header readHeader(InputStream in, Path file, String entry) throws IOException {
    byte[] lead = new byte[8];
    if (in.readNBytes(lead, 0, lead.length) < lead.length) {
      throw error(file, entry, "not a .npy file (shorter than its magic string)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (lead[i] != MAGIC[i]) {
        throw error(file, entry, "not a .npy file");
      }
    }
    int major = lead[6];
    if (major < 1 || major > 3) {
      throw error(file, entry, "unsupported .npy format version " + major + "." + lead[7]);
    }
    int lenBytes = major == 1 ? 2 : 4;
    byte[] len = in.readNBytes(lenBytes);
    long headerLen = 0;
    for (int i = len.length - 1; i >= 0; i--) { // little-endian
      headerLen = headerLen << 8 | (len[i] & 0xFF);
    }
    if (len.length < lenBytes || headerLen > 1 << 20) {
      throw error(file, entry, "malformed .npy header length");
    }
    byte[] text = in.readNBytes((int) headerLen);
    if (text.length < headerLen) {
      throw error(file, entry, "truncated .npy header");
    }
    String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher order = ORDER.matcher(header);
    Matcher shapeM = SHAPE.matcher(header);
    if (!descr.find() || !order.find() || !shapeM.find()) {
      throw error(file, entry, "malformed .npy header: " + header.trim());
    }
    if (!descr.group(1).equals("<f4") || order.group(1).equals("True")) {
      throw error(file, entry, "only little-endian float32 C-order arrays are supported, got "
          + descr.group(1) + (order.group(1).equals("True") ? " (Fortran order)" : ""));
    }
    String[] parts = shapeM.group(1).split(",");
    long[] shape = new long[parts.length];
    int count = 0;
    try {
      for (String p : parts) {
        if (!p.isBlank()) {
          shape[count++] = Long.parseLong(p.trim().replaceFirst("L$", ""));
        }
      }
    } catch (NumberFormatException e) {
      throw error(file, entry, "malformed .npy shape: (" + shapeM.group(1) + ")");
    }
    Header h = new Header(java.util.Arrays.copyOf(shape, count), (major == 1 ? 10 : 12) + (int) headerLen);
    for (long d : h.shape()) {
      if (d < 0) {
        throw error(file, entry, "negative dimension in .npy shape (" + shapeM.group(1) + ")");
      }
    }
    return h;
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
    Header h;
    try {
      h = readHeader(new ByteArrayInputStream(bytes), file, null);
    } catch (EOFException e) {
      throw new InputException(file, "truncated .npy header");
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail to read
    }
    long n = h.elements();
    if (bytes.length - h.length() < n * 4) {
      throw new InputException(file, "truncated .npy: expected " + n + " float32 values");
    }
    float[] data = new float[Math.toIntExact(n)];
    ByteBuffer.wrap(bytes, h.length(), data.length * 4).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    return new Array(h.intShape(), data);
  }

  static InputException error(Path file, String entry, String message) {
    return new InputException(file, entry == null ? message : "entry " + entry + ": " + message);
  }

  private static long[] toLong(int[] s) {
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i];
    }
    return out;
  }
}
