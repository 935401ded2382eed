package org.asr3m.platform.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoredArtifact;

/**
 * A checkpoint as one tar.gz, written straight to the response: a top directory with model.npz
 * (weights and the global CMVN), recipe.yaml, units.txt, trainer.json and, when featurePrep kept it,
 * the run's global_cmvn. Unpacked, the directory is what {@code asr3m decode --checkpoint DIR} reads.
 * Each object's SHA-256 is checked as it is read; a mismatch aborts the transfer.
 */
final class CheckpointBundle {
  /** The checkpoint files a decoder needs (optimizer.npz is left out: resuming training is the worker's job). */
  static final List<String> FILES = List.of("model.npz", "recipe.yaml", "units.txt", "trainer.json");

  private CheckpointBundle() {}

  /** One object and its name inside the bundle's directory. */
  record Entry(String name, StoredArtifact object) {}

  static void write(OutputStream out, ArtifactStore store, String dir, List<Entry> entries) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    TarArchiveEntry d = new TarArchiveEntry(dir + "/");
    tar.putArchiveEntry(d);
    tar.closeArchiveEntry();
    for (Entry e : entries) {
      TarArchiveEntry t = new TarArchiveEntry(dir + "/" + e.name());
      t.setSize(e.object().size());
      t.setMode(0644);
      tar.putArchiveEntry(t);
      try (InputStream in = store.open(e.object().key())) {
        in.transferTo(tar);
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    gz.finish();
    out.flush();
  }
}
