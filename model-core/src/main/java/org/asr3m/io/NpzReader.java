package org.asr3m.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Reads a NumPy {@code .npz} archive one array at a time: opening reads only the central
 * directory; {@link #read(String, ByteBuffer)} copies one array's values into a buffer the caller
 * owns (for tensors, the tensor's own memory), so memory is bounded by the largest array, not by
 * the archive. Stored and deflated entries and ZIP64 archives are read (java.util.zip). Every
 * entry is checked against its CRC-32; errors name the file and the entry.
 */
public final class NpzReader implements Closeable {
  private static final int CHUNK = 1 << 18;

  private final Path file;
  private final ZipFile zip;
  private final Map<String, ZipEntry> entries = new LinkedHashMap<>();
  private byte[] chunk;

  private NpzReader(Path file, ZipFile zip) {
    this.file = file;
    this.zip = zip;
  }

  /** Opens an archive; a missing, truncated or corrupt file is an {@link InputException} naming it. */
  public static NpzReader open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InputException(file, "file not found");
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new InputException(file, 0, diagnose(file, e), e);
    } catch (IOException e) {
      throw new InputException(file, 0, "cannot read: " + e.getMessage(), e);
    }
    NpzReader r = new NpzReader(file, zip);
    try {
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (!e.getName().endsWith(".npy")) {
          throw new InputException(file, "entry " + e.getName() + " is not a .npy array");
        }
        r.entries.put(e.getName().substring(0, e.getName().length() - 4), e);
      }
      if (r.entries.isEmpty()) {
        throw new InputException(file, "empty .npz archive");
      }
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  /** Array names (entry names without ".npy") in archive order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The shape of array {@code name} (reads its .npy header only). */
  public Npy.Header header(String name) {
    ZipEntry e = entry(name);
    try (InputStream in = zip.getInputStream(e)) {
      return Npy.readHeader(in, file, e.getName());
    } catch (IOException ex) {
      throw corrupt(e, ex);
    }
  }

  /**
   * Copies the values of array {@code name} (little-endian float32, C order) into {@code dst} from
   * its position, which advances by the array's size in bytes; {@code dst} must have exactly that
   * many bytes remaining. The entry's CRC-32 is verified.
   */
  public void read(String name, ByteBuffer dst) {
    ZipEntry e = entry(name);
    try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
      Npy.Header h = Npy.readHeader(in, file, e.getName());
      long bytes = h.dataBytes();
      if (e.getSize() >= 0 && e.getSize() != h.length() + bytes) {
        throw new InputException(file, "entry " + e.getName() + ": holds " + e.getSize() + " bytes but its .npy header"
            + " describes " + (h.length() + bytes) + " (shape " + java.util.Arrays.toString(h.shape()) + ")");
      }
      if (dst.remaining() != bytes) {
        throw new IllegalArgumentException(e.getName() + ": " + bytes + " bytes of data, buffer has " + dst.remaining());
      }
      long left = bytes;
      while (left > 0) {
        int n;
        if (dst.hasArray()) {
          n = in.read(dst.array(), dst.arrayOffset() + dst.position(), (int) Math.min(left, Integer.MAX_VALUE));
          if (n > 0) {
            dst.position(dst.position() + n);
          }
        } else {
          if (chunk == null) {
            chunk = new byte[CHUNK];
          }
          n = in.read(chunk, 0, (int) Math.min(left, chunk.length));
          if (n > 0) {
            dst.put(chunk, 0, n);
          }
        }
        if (n < 0) {
          throw new InputException(file, "entry " + e.getName() + ": cut off after " + (bytes - left) + " of " + bytes
              + " data bytes");
        }
        left -= n;
      }
      if (e.getCrc() != -1 && in.getChecksum().getValue() != e.getCrc()) {
        throw new InputException(file, "entry " + e.getName() + ": CRC-32 mismatch, the data is corrupt");
      }
    } catch (IOException ex) {
      throw corrupt(e, ex);
    }
  }

  /** Array {@code name} copied into the Java heap (for small arrays; tensors use {@link #read(String, ByteBuffer)}). */
  public Npy.Array read(String name) {
    Npy.Header h = header(name);
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(h.dataBytes())).order(ByteOrder.LITTLE_ENDIAN);
    read(name, buf);
    float[] data = new float[Math.toIntExact(h.elements())];
    buf.flip().asFloatBuffer().get(data);
    return new Npy.Array(h.intShape(), data);
  }

  @Override
  public void close() {
    try {
      zip.close();
    } catch (IOException e) {
      // read-only: nothing was lost
    }
  }

  private ZipEntry entry(String name) {
    ZipEntry e = entries.get(name);
    if (e == null) {
      throw new InputException(file, "no array " + name + " in the archive");
    }
    return e;
  }

  private InputException corrupt(ZipEntry e, IOException ex) {
    return new InputException(file, 0, "entry " + e.getName() + ": corrupt: " + ex.getMessage(), ex);
  }

  /**
   * Why java.util.zip could not open the archive: its central directory is at the end, so a file
   * cut off anywhere loses it. Scanning the local headers from the start says which entry was hit.
   */
  private static String diagnose(Path file, ZipException cause) {
    int complete = 0;
    String current = null;
    try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        current = e.getName();
        in.transferTo(OutputStream.nullOutputStream());
        complete++;
        current = null;
      }
    } catch (IOException | IllegalArgumentException ex) {
      if (current != null) {
        return "truncated or corrupt .npz archive: entry " + current + " is cut off or damaged (" + ex.getMessage()
            + "; " + complete + " complete entries before it)";
      }
    }
    if (complete == 0) {
      return "not a .npz (zip) archive (" + cause.getMessage() + ")";
    }
    return "truncated or corrupt .npz archive: its " + complete + " entries are whole but the central directory at"
        + " the end is missing or damaged (" + cause.getMessage() + ")";
  }
}
