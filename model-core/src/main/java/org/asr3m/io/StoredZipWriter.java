package org.asr3m.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Writes a ZIP archive of uncompressed (STORED) entries straight to a file channel, one entry at a
 * time, from buffers the caller owns (for tensors: a view of the tensor's own memory), so nothing
 * is held but the small central directory. Sizes and CRC-32 are computed before an entry is
 * written, so local headers are complete (no data descriptors), as in the archives numpy.savez and
 * torch.save write.
 *
 * <p>ZIP64 records (APPNOTE 4.5) are written where the classic fields overflow: an entry or
 * offset at or past 4 GiB, or 65535 entries or more. {@code forceZip64} writes them for every
 * entry and the end record even for small archives, so readers can be tested on the ZIP64 path
 * without writing 4 GiB.
 */
final class StoredZipWriter implements Closeable {
  private static final long MAX32 = 0xFFFFFFFFL;
  private static final int MAX16 = 0xFFFF;
  private static final int VERSION_DEFAULT = 20;
  private static final int VERSION_ZIP64 = 45;
  private static final int FLAG_UTF8 = 0x0800;
  private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1; // fixed time: identical state, identical bytes
  private static final int UNIX_FILE_0644 = 0100644 << 16;

  private final FileChannel out;
  private final boolean forceZip64;
  private final ByteArrayOutputStream central = new ByteArrayOutputStream();
  private final Set<String> names = new HashSet<>();
  private long position;
  private long entries;
  private boolean finished;

  /** @param out an empty file opened for writing; the archive starts at its beginning */
  StoredZipWriter(FileChannel out, boolean forceZip64) {
    this.out = out;
    this.forceZip64 = forceZip64;
  }

  /** Bytes written so far. */
  long position() {
    return position;
  }

  /**
   * Adds one entry whose content is the concatenation of the remaining bytes of {@code parts}
   * (their positions are left unchanged).
   */
  void add(String name, ByteBuffer... parts) throws IOException {
    if (finished) {
      throw new IllegalStateException("archive already finished");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("duplicate entry " + name);
    }
    CRC32 crc = new CRC32();
    long size = 0;
    for (ByteBuffer p : parts) {
      size += p.remaining();
      crc.update(p.duplicate());
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > MAX16) {
      throw new IllegalArgumentException("entry name longer than 65535 bytes: " + name);
    }
    long offset = position;
    boolean zip64Sizes = forceZip64 || size >= MAX32;
    boolean zip64Offset = forceZip64 || offset >= MAX32;

    ByteBuffer local = le(30 + nameBytes.length + (zip64Sizes ? 20 : 0));
    local.putInt(0x04034b50);
    local.putShort((short) (zip64Sizes || zip64Offset ? VERSION_ZIP64 : VERSION_DEFAULT));
    local.putShort((short) FLAG_UTF8);
    local.putShort((short) 0); // method: stored
    local.putShort((short) 0).putShort((short) DOS_DATE_1980_01_01);
    local.putInt((int) crc.getValue());
    local.putInt((int) (zip64Sizes ? MAX32 : size)); // compressed size
    local.putInt((int) (zip64Sizes ? MAX32 : size)); // uncompressed size
    local.putShort((short) nameBytes.length);
    local.putShort((short) (zip64Sizes ? 20 : 0));
    local.put(nameBytes);
    if (zip64Sizes) { // the local ZIP64 field carries both sizes
      local.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
    }
    write(local.flip());
    for (ByteBuffer p : parts) {
      write(p.duplicate());
    }

    // central directory record: the ZIP64 field holds exactly the values whose classic field is 0xFFFFFFFF, in order
    int extra = (zip64Sizes ? 16 : 0) + (zip64Offset ? 8 : 0);
    ByteBuffer cen = le(46 + nameBytes.length + (extra > 0 ? 4 + extra : 0));
    cen.putInt(0x02014b50);
    cen.putShort((short) (3 << 8 | VERSION_ZIP64)); // made by: Unix
    cen.putShort((short) (zip64Sizes || zip64Offset ? VERSION_ZIP64 : VERSION_DEFAULT));
    cen.putShort((short) FLAG_UTF8);
    cen.putShort((short) 0);
    cen.putShort((short) 0).putShort((short) DOS_DATE_1980_01_01);
    cen.putInt((int) crc.getValue());
    cen.putInt((int) (zip64Sizes ? MAX32 : size));
    cen.putInt((int) (zip64Sizes ? MAX32 : size));
    cen.putShort((short) nameBytes.length);
    cen.putShort((short) (extra > 0 ? 4 + extra : 0));
    cen.putShort((short) 0); // comment
    cen.putShort((short) 0); // disk
    cen.putShort((short) 0); // internal attributes
    cen.putInt(UNIX_FILE_0644);
    cen.putInt((int) (zip64Offset ? MAX32 : offset));
    cen.put(nameBytes);
    if (extra > 0) {
      cen.putShort((short) 1).putShort((short) extra);
      if (zip64Sizes) {
        cen.putLong(size).putLong(size); // uncompressed, then compressed
      }
      if (zip64Offset) {
        cen.putLong(offset);
      }
    }
    central.write(cen.array(), 0, cen.position());
    entries++;
  }

  /** Writes the central directory and the end records; the channel stays open. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    long cdOffset = position;
    long cdSize = central.size();
    write(ByteBuffer.wrap(central.toByteArray()));
    boolean zip64 = forceZip64 || entries >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
    if (zip64) {
      long recordOffset = position;
      ByteBuffer end64 = le(56 + 20);
      end64.putInt(0x06064b50).putLong(44); // size of the rest of this record
      end64.putShort((short) (3 << 8 | VERSION_ZIP64)).putShort((short) VERSION_ZIP64);
      end64.putInt(0).putInt(0); // this disk, disk of the central directory
      end64.putLong(entries).putLong(entries).putLong(cdSize).putLong(cdOffset);
      end64.putInt(0x07064b50).putInt(0).putLong(recordOffset).putInt(1); // locator: one disk
      write(end64.flip());
    }
    ByteBuffer end = le(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    short count = (short) (zip64 ? MAX16 : entries);
    end.putShort(count).putShort(count);
    end.putInt((int) (zip64 ? MAX32 : cdSize));
    end.putInt((int) (zip64 ? MAX32 : cdOffset));
    end.putShort((short) 0);
    write(end.flip());
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      position += out.write(b);
    }
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
