package org.asr3m.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.io.InputException;

/**
 * Feature shards: the features (and token ids) of a data directory in a few large files that
 * training streams from, plus an index to plan batches without touching the features.
 *
 * <p>Layout, all little-endian:
 * <pre>
 * shard-NNNNN.bin  header:  8 bytes "A3MSHRD1", int32 version (1)
 *                  record:  int32 n, n bytes UTF-8 utterance id,
 *                           int32 frames, int32 dim, float32[frames × dim] (row-major),
 *                           int32 tokens, int32[tokens]
 *                  footer:  4 bytes "END!", int32 number of records  (missing footer = truncated shard)
 * index.tsv        one line per record: shard-file  utterance-id  frames  tokens  byte-offset
 * </pre>
 */
public final class FeatureShards {
  static final byte[] MAGIC = "A3MSHRD1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] FOOTER = "END!".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  public static final String INDEX = "index.tsv";

  private FeatureShards() {}

  /** Index entry of one record. */
  public record Entry(String shard, String id, int frames, int tokens, long offset) {}

  /** One decoded record. */
  public record Record(String id, float[][] feats, int[] tokens) {}

  /** Appends records to shards of about {@code shardBytes} each; {@link #close()} writes the index. */
  public static final class Writer implements Closeable {
    private final Path dir;
    private final long shardBytes;
    private final StringBuilder index = new StringBuilder();
    private FileChannel channel;
    private String shardName;
    private long position;
    private int records;
    private int shardCount;

    public Writer(Path dir, long shardBytes) throws IOException {
      this.dir = dir;
      this.shardBytes = Math.max(1, shardBytes);
      Files.createDirectories(dir);
    }

    public void add(String id, float[][] feats, int[] tokens) throws IOException {
      if (channel == null || position >= shardBytes) {
        roll();
      }
      byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
      int dim = feats.length == 0 ? 0 : feats[0].length;
      ByteBuffer buf = ByteBuffer.allocate(4 + idBytes.length + 8 + 4 * feats.length * dim + 4 + 4 * tokens.length)
          .order(ByteOrder.LITTLE_ENDIAN);
      buf.putInt(idBytes.length).put(idBytes).putInt(feats.length).putInt(dim);
      for (float[] row : feats) {
        buf.asFloatBuffer().put(row);
        buf.position(buf.position() + 4 * row.length);
      }
      buf.putInt(tokens.length);
      buf.asIntBuffer().put(tokens);
      buf.position(buf.capacity());
      buf.flip();
      index.append(shardName).append('\t').append(id).append('\t').append(feats.length).append('\t')
          .append(tokens.length).append('\t').append(position).append('\n');
      while (buf.hasRemaining()) {
        position += channel.write(buf);
      }
      records++;
    }

    private void roll() throws IOException {
      finishShard();
      shardName = String.format("shard-%05d.bin", shardCount++);
      channel = FileChannel.open(dir.resolve(shardName), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC).putInt(VERSION);
      header.flip();
      position = channel.write(header);
      records = 0;
    }

    private void finishShard() throws IOException {
      if (channel == null) {
        return;
      }
      ByteBuffer footer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put(FOOTER).putInt(records);
      footer.flip();
      channel.write(footer);
      channel.close();
      channel = null;
    }

    @Override
    public void close() throws IOException {
      finishShard();
      Files.writeString(dir.resolve(INDEX), index.toString(), StandardCharsets.UTF_8);
    }
  }

  /** Random and sequential access to a shard directory through its index. */
  public static final class Reader {
    private final Path dir;
    private final List<Entry> entries;

    private Reader(Path dir, List<Entry> entries) {
      this.dir = dir;
      this.entries = entries;
    }

    public static Reader open(Path dir) {
      Path index = dir.resolve(INDEX);
      List<String> lines;
      try {
        lines = Files.readAllLines(index, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new InputException(index, "shard index not found (is " + dir + " a shard directory written by asr3m fbank?)");
      } catch (IOException e) {
        throw new InputException(index, 0, "cannot read: " + e.getMessage(), e);
      }
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        String[] f = lines.get(i).split("\t");
        try {
          if (f.length != 5) {
            throw new NumberFormatException();
          }
          entries.add(new Entry(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4])));
        } catch (NumberFormatException e) {
          throw new InputException(index, i + 1, "expected 'shard id frames tokens offset' separated by tabs");
        }
      }
      for (String shard : entries.stream().map(Entry::shard).distinct().toList()) {
        checkShard(dir.resolve(shard));
      }
      return new Reader(dir, List.copyOf(entries));
    }

    public List<Entry> entries() {
      return entries;
    }

    public Record read(Entry e) {
      Path file = dir.resolve(e.shard());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer head = readFully(ch, e.offset(), 4, file, e);
        int idLen = head.getInt();
        ByteBuffer meta = readFully(ch, e.offset() + 4, idLen + 8, file, e);
        byte[] id = new byte[idLen];
        meta.get(id);
        int frames = meta.getInt();
        int dim = meta.getInt();
        if (!new String(id, StandardCharsets.UTF_8).equals(e.id()) || frames != e.frames()) {
          throw new InputException(file, "record at byte " + e.offset() + " is not " + e.id()
              + " as the index says: index and shard do not match");
        }
        long dataPos = e.offset() + 12 + idLen;
        ByteBuffer data = readFully(ch, dataPos, 4L * frames * dim + 4, file, e);
        float[][] feats = new float[frames][dim];
        var fb = data.asFloatBuffer();
        for (float[] row : feats) {
          fb.get(row);
        }
        data.position(4 * frames * dim);
        int n = data.getInt();
        ByteBuffer tok = readFully(ch, dataPos + 4L * frames * dim + 4, 4L * n, file, e);
        int[] tokens = new int[n];
        tok.asIntBuffer().get(tokens);
        return new Record(e.id(), feats, tokens);
      } catch (IOException ex) {
        throw new InputException(file, 0, "cannot read record " + e.id() + ": " + ex.getMessage(), ex);
      }
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, long len, Path file, Entry e) throws IOException {
      if (pos + len > ch.size()) {
        throw new InputException(file, "truncated shard: record " + e.id() + " extends past the end of the file");
      }
      ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) {
          throw new InputException(file, "truncated shard at record " + e.id());
        }
      }
      b.flip();
      return b;
    }

    private static void checkShard(Path file) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = ch.size();
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (size < 20 || ch.read(head, 0) < 12 || ch.read(tail, size - 8) < 8) {
          throw new InputException(file, "truncated shard (" + size + " bytes)");
        }
        byte[] magic = new byte[8];
        head.flip().get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
          throw new InputException(file, "not an asr3m feature shard");
        }
        byte[] footer = new byte[4];
        tail.flip().get(footer);
        if (!java.util.Arrays.equals(footer, FOOTER)) {
          throw new InputException(file, "truncated shard: the end-of-shard marker is missing");
        }
      } catch (NoSuchFileException e) {
        throw new InputException(file, "shard listed in the index is missing");
      } catch (IOException e) {
        throw new InputException(file, 0, "cannot read: " + e.getMessage(), e);
      }
    }
  }
}
