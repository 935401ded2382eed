package org.asr3m.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz}: a zip archive of named float32 {@code .npy} arrays, so checkpoints open
 * directly with {@code numpy.load("model.npz")}. Entries are stored uncompressed (as numpy.savez).
 */
public final class Npz {
  private Npz() {}

  public static void write(Path file, Map<String, Npy.Array> arrays) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
        ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.setLevel(0);
      for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(Npy.toBytes(e.getValue().shape(), e.getValue().data()));
        zip.closeEntry();
      }
    }
    // write-then-rename: an interrupted save never leaves a half-written checkpoint behind
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static Map<String, Npy.Array> read(Path file) {
    Map<String, Npy.Array> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        if (!name.endsWith(".npy")) {
          throw new InputException(file, "entry " + name + " is not a .npy array");
        }
        out.put(name.substring(0, name.length() - 4), Npy.fromBytes(file, zip.readAllBytes()));
      }
    } catch (NoSuchFileException ex) {
      throw new InputException(file, "file not found");
    } catch (IOException ex) {
      throw new InputException(file, 0, "corrupt .npz archive: " + ex.getMessage(), ex);
    }
    if (out.isEmpty()) {
      throw new InputException(file, "empty or corrupt .npz archive");
    }
    return out;
  }
}
