package org.asr3m.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NumPy {@code .npz} convenience for small archives held whole in memory (fixtures, tests):
 * a zip archive of named float32 {@code .npy} arrays that opens with {@code numpy.load}. Model
 * checkpoints stream through {@link NpzWriter} and {@link NpzReader} instead.
 */
public final class Npz {
  private Npz() {}

  /** Writes all arrays to a temporary name and renames it to {@code file}. */
  public static void write(Path file, Map<String, Npy.Array> arrays) throws IOException {
    try (StagedFiles staged = new StagedFiles(file.getParent() == null ? Path.of(".") : file.getParent())) {
      try (NpzWriter w = NpzWriter.create(staged.stage(file.getFileName().toString()))) {
        for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
          w.add(e.getKey(), e.getValue());
        }
        w.finish();
      }
      staged.commit();
    }
  }

  /** Every array of the archive, in archive order. */
  public static Map<String, Npy.Array> read(Path file) {
    Map<String, Npy.Array> out = new LinkedHashMap<>();
    try (NpzReader r = NpzReader.open(file)) {
      for (String name : r.names()) {
        out.put(name, r.read(name));
      }
    }
    return out;
  }
}
