package org.asr3m.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.asr3m.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npz archives: stored entries, ZIP64, what numpy reads, and errors that name the file and entry. */
class NpzTest {
  /** Lists every array as "name|shape|sha256 of its little-endian float32 bytes". */
  private static final String NUMPY_LIST = """
      import sys, hashlib, zipfile, numpy as np
      z = np.load(sys.argv[1])
      for k in z.files:
          a = z[k]
          assert a.dtype == np.dtype('<f4'), (k, a.dtype)
          print(k + '|' + ','.join(str(d) for d in a.shape) + '|' + hashlib.sha256(a.tobytes()).hexdigest())
      print('zip64=' + str(all(i.extract_version >= 45 for i in zipfile.ZipFile(sys.argv[1]).infolist())))
      """;

  private static final byte[] ZIP64_END = {0x50, 0x4b, 6, 6};
  private static final byte[] ZIP64_LOCATOR = {0x50, 0x4b, 6, 7};

  @TempDir
  Path tmp;

  private static Map<String, Npy.Array> sample() {
    Random rnd = new Random(7);
    Map<String, Npy.Array> m = new LinkedHashMap<>();
    m.put("encoder.embed.conv.0.weight", random(rnd, 4, 1, 3, 3));
    m.put("vector", new Npy.Array(new int[] {6}, new float[] {Float.intBitsToFloat(0x7fc12345), -0.0f,
        Float.MIN_VALUE, Float.POSITIVE_INFINITY, -1.5f, 3e38f}));
    m.put("scalar", new Npy.Array(new int[] {}, new float[] {42.5f}));
    m.put("empty", new Npy.Array(new int[] {0, 3}, new float[0]));
    m.put("big", random(rnd, 64, 257));
    m.put("mean/decoder.output_layer.bias", random(rnd, 11));
    return m;
  }

  private static Npy.Array random(Random rnd, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return new Npy.Array(shape, v);
  }

  private static void assertBitsEqual(Map<String, Npy.Array> actual, Map<String, Npy.Array> expected) {
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    for (String k : expected.keySet()) {
      assertThat(actual.get(k).shape()).as(k).containsExactly(expected.get(k).shape());
      assertThat(bits(actual.get(k).data())).as(k).containsExactly(bits(expected.get(k).data()));
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  /** What numpy's listing should print for these arrays. */
  private static List<String> listing(Map<String, Npy.Array> arrays) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
      ByteBuffer b = ByteBuffer.allocate(e.getValue().data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(e.getValue().data());
      String shape = String.join(",", java.util.Arrays.stream(e.getValue().shape()).mapToObj(String::valueOf).toList());
      lines.add(e.getKey() + "|" + shape + "|" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())));
    }
    return lines;
  }

  private Path write(String name, Map<String, Npy.Array> arrays, boolean zip64) throws Exception {
    Path file = tmp.resolve(name);
    try (NpzWriter w = NpzWriter.create(file, zip64)) {
      for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
        w.add(e.getKey(), e.getValue());
      }
      w.finish();
    }
    return file;
  }

  @Test
  void entriesAreStoredUncompressedAndReadBackBitForBit() throws Exception {
    Path file = tmp.resolve("a.npz");
    Npz.write(file, sample());
    assertThat(tmp.resolve("a.npz.tmp")).doesNotExist();
    try (ZipFile z = new ZipFile(file.toFile())) {
      for (ZipEntry e : Collections.list(z.entries())) {
        assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
        assertThat(e.getCompressedSize()).isEqualTo(e.getSize());
      }
    }
    assertThat(indexOf(Files.readAllBytes(file), ZIP64_END)).isNegative(); // small archive: no ZIP64 records
    assertBitsEqual(Npz.read(file), sample());
    try (NpzReader r = NpzReader.open(file)) {
      assertThat(r.header("big").shape()).containsExactly(64, 257);
      assertThat(r.header("scalar").shape()).isEmpty();
    }
  }

  @Test
  void numpyReadsClassicAndZip64Archives() throws Exception {
    Numpy.assume();
    List<String> expected = listing(sample());
    for (boolean zip64 : new boolean[] {false, true}) {
      Path file = write("n" + zip64 + ".npz", sample(), zip64);
      List<String> lines = Numpy.run(NUMPY_LIST, file.toString()).lines().toList();
      assertThat(lines.subList(0, lines.size() - 1)).as("zip64 " + zip64).containsExactlyElementsOf(expected);
      assertThat(lines.get(lines.size() - 1)).isEqualTo("zip64=" + (zip64 ? "True" : "False"));
    }
  }

  @Test
  void forcedZip64RecordsAreReadByJavaUtilZip() throws Exception {
    Path file = write("z.npz", sample(), true);
    byte[] bytes = Files.readAllBytes(file);
    assertThat(indexOf(bytes, ZIP64_END)).isPositive();
    assertThat(indexOf(bytes, ZIP64_LOCATOR)).isPositive(); // ZIP64 end record and its locator
    assertBitsEqual(Npz.read(file), sample()); // java.util.zip.ZipFile (central directory, random access)
    List<String> names = new ArrayList<>(); // ZipInputStream: local headers only, CRC checked per entry
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        assertThat(in.readAllBytes()).hasSize((int) e.getSize());
      }
    }
    assertThat(names).containsExactly("encoder.embed.conv.0.weight.npy", "vector.npy", "scalar.npy", "empty.npy",
        "big.npy", "mean/decoder.output_layer.bias.npy");
  }

  @Test
  void moreThan65535EntriesSwitchToZip64() throws Exception {
    int n = 65_536;
    Path file = tmp.resolve("many.npz");
    try (NpzWriter w = NpzWriter.create(file)) {
      ByteBuffer one = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        one.putFloat(0, i);
        w.add("a" + i, new long[] {1}, one);
      }
      w.finish();
    }
    assertThat(indexOf(Files.readAllBytes(file), ZIP64_END)).isPositive();
    try (NpzReader r = NpzReader.open(file)) {
      assertThat(r.names()).hasSize(n);
      assertThat(r.read("a65535").data()).containsExactly(65535f);
    }
    Numpy.assume();
    assertThat(Numpy.run("import sys, numpy as np; z = np.load(sys.argv[1]); print(len(z.files), z['a65535'][0])",
        file.toString()).strip()).isEqualTo("65536 65535.0");
  }

  @Test
  void corruptDataIsReportedWithFileAndEntry() throws Exception {
    Path file = tmp.resolve("c.npz");
    Npz.write(file, sample());
    byte[] bytes = Files.readAllBytes(file);
    int big = indexOf(bytes, "big.npy".getBytes(StandardCharsets.US_ASCII));
    bytes[big + 7 + 128 + 1000] ^= 0x10; // inside big's float data (after its name and 128-byte .npy header)
    Files.write(file, bytes);
    assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(InputException.class)
        .hasMessage(file + ": entry big.npy: CRC-32 mismatch, the data is corrupt");
  }

  @Test
  void truncatedFileNamesTheEntryItIsCutIn() throws Exception {
    Path file = tmp.resolve("t.npz");
    Npz.write(file, sample());
    byte[] bytes = Files.readAllBytes(file);
    int big = indexOf(bytes, "big.npy".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, java.util.Arrays.copyOf(bytes, big + 5000));
    assertThatThrownBy(() -> NpzReader.open(file)).isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ": truncated or corrupt .npz archive: entry big.npy is cut off or damaged")
        .hasMessageEndingWith("4 complete entries before it)");
  }

  @Test
  void fileCutAfterItsLastEntrySaysTheDirectoryIsMissing() throws Exception {
    Path file = tmp.resolve("d.npz");
    Npz.write(file, sample());
    byte[] bytes = Files.readAllBytes(file);
    int cdOffset = ByteBuffer.wrap(bytes, bytes.length - 22 + 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Files.write(file, java.util.Arrays.copyOf(bytes, cdOffset));
    assertThatThrownBy(() -> NpzReader.open(file)).isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ": truncated or corrupt .npz archive: its 6 entries are whole but the central"
            + " directory at the end is missing or damaged");
  }

  @Test
  void otherFilesAreNotArchives() throws Exception {
    Path file = Files.writeString(tmp.resolve("x.npz"), "hello, not a zip");
    assertThatThrownBy(() -> NpzReader.open(file)).isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ": not a .npz (zip) archive");
    assertThatThrownBy(() -> NpzReader.open(tmp.resolve("missing.npz"))).isInstanceOf(InputException.class)
        .hasMessage(tmp.resolve("missing.npz") + ": file not found");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void unfinishedWriterLeavesNoFile() throws Exception {
    Path file = tmp.resolve("u.npz");
    try (NpzWriter w = NpzWriter.create(file)) {
      w.add("x", sample().get("big"));
      assertThat(file).exists();
    }
    assertThat(file).doesNotExist();
  }

  /** Checkpoints written before streaming were deflate-compressed (level 0) by java.util.zip.ZipOutputStream. */
  @Test
  void readsTheDeflatedArchivesOfEarlierVersions() throws Exception {
    Path file = tmp.resolve("old.npz");
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.setLevel(0);
      for (Map.Entry<String, Npy.Array> e : sample().entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(Npy.toBytes(e.getValue().shape(), e.getValue().data()));
        zip.closeEntry();
      }
    }
    assertBitsEqual(Npz.read(file), sample());
  }

  @Test
  void otherDtypesAreRejectedWithFileAndEntry() throws Exception {
    Path file = tmp.resolve("f8.npz");
    byte[] npy = Npy.toBytes(new int[] {2}, new float[] {1, 2});
    byte[] f8 = new String(npy, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<f8'").getBytes(StandardCharsets.ISO_8859_1);
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry("w.npy"));
      zip.write(f8);
      zip.closeEntry();
    }
    assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(InputException.class)
        .hasMessage(file + ": entry w.npy: only little-endian float32 C-order arrays are supported, got <f8");
  }
}
