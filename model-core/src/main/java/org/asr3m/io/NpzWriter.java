package org.asr3m.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a NumPy {@code .npz} archive one array at a time: each {@code add} writes its
 * {@code <name>.npy} entry (stored uncompressed, as numpy.savez does) from the caller's buffer
 * and keeps nothing of it, so memory does not grow with the archive. {@link #finish} completes the
 * archive and forces it to disk; closing an unfinished writer deletes the partial file, so a
 * failed write never leaves something that looks like an archive behind.
 *
 * <p>The file is written where the caller says; callers that replace an existing file write to a
 * temporary name and rename (see {@link StagedFiles}).
 */
public final class NpzWriter implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final StoredZipWriter zip;
  private boolean finished;

  private NpzWriter(Path file, boolean forceZip64) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    this.zip = new StoredZipWriter(channel, forceZip64);
  }

  public static NpzWriter create(Path file) throws IOException {
    return new NpzWriter(file, false);
  }

  /** As {@link #create(Path)}, with ZIP64 records even where the classic fields would do (for tests). */
  public static NpzWriter create(Path file, boolean forceZip64) throws IOException {
    return new NpzWriter(file, forceZip64);
  }

  public Path file() {
    return file;
  }

  /** Bytes written so far. */
  public long size() {
    return zip.position();
  }

  /**
   * Adds the float32 array {@code name} of this shape; {@code littleEndianFloats} holds its values
   * in C order from its position to its limit (the position is left unchanged).
   */
  public void add(String name, long[] shape, ByteBuffer littleEndianFloats) throws IOException {
    long expected = new Npy.Header(shape, 0).dataBytes();
    if (littleEndianFloats.remaining() != expected) {
      throw new IllegalArgumentException(name + ": " + littleEndianFloats.remaining() + " bytes of data for "
          + expected / Float.BYTES + " float32 values");
    }
    zip.add(name + ".npy", ByteBuffer.wrap(Npy.header(shape)), littleEndianFloats);
  }

  public void add(String name, Npy.Array array) throws IOException {
    long[] shape = new long[array.shape().length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = array.shape()[i];
    }
    ByteBuffer data = ByteBuffer.allocate(array.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(array.data());
    add(name, shape, data);
  }

  /** Writes the central directory and forces the file to disk; the archive is complete afterwards. */
  public void finish() throws IOException {
    zip.finish();
    channel.force(true);
    finished = true;
  }

  @Override
  public void close() throws IOException {
    zip.close();
    if (!finished) {
      Files.deleteIfExists(file);
    }
  }
}
