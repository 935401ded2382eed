package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.asr3m.Numpy;
import org.asr3m.data.Units;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.asr3m.model.AsrModel;
import org.asr3m.model.Batch;
import org.asr3m.nn.ParameterNames;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints stream tensor by tensor: exact round trips, numpy-readable, all-or-nothing, bounded memory. */
class CheckpointTest {
  private static final String RECIPE = """
      output_dim: 20
      encoder_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 1, cnn_module_kernel: 5}
      decoder_conf: {attention_heads: 4, linear_units: 64, num_blocks: 1}
      """;

  @TempDir
  Path tmp;

  private Recipe recipe(String text) throws Exception {
    Path f = Files.createTempFile(tmp, "recipe", ".yaml");
    Files.writeString(f, text);
    return Recipe.read(f);
  }

  private Path units() throws Exception {
    Path f = tmp.resolve("units.txt");
    StringBuilder chars = new StringBuilder();
    for (int i = 0; i < 17; i++) {
      chars.appendCodePoint(0x4E00 + i);
    }
    Units.build(List.of(chars.toString())).write(f);
    return f;
  }

  /** One Adam update on the random batch of {@code seed} (same batch and dropout for the same seed); its loss. */
  private static float step(AsrModel model, Adam adam, NDManager m, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    List<Parameter> params = new ArrayList<>(adam.parameters().values());
    try (NDManager bm = m.newSubManager()) {
      Batch b = new Batch(bm.randomNormal(new Shape(2, 40, 80)), bm.full(new Shape(2), 40, DataType.INT64),
          bm.randomInteger(2, 18, new Shape(2, 4), DataType.INT64), bm.full(new Shape(2), 4, DataType.INT64));
      float loss;
      try (org.asr3m.train.Autograd gc = org.asr3m.train.Autograd.record()) {
        NDArray total = model.loss(new ParameterStore(m, false), b, true).total();
        gc.backward(total);
        loss = total.getFloat();
      }
      adam.update(1e-3, GradientClipping.scale(GradientClipping.norm(params), 5));
      return loss;
    }
  }

  private static Map<String, byte[]> bytes(Map<String, NDArray> arrays) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    arrays.forEach((k, a) -> {
      ByteBuffer b = a.toByteBuffer();
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      out.put(k, copy);
    });
    return out;
  }

  private static Map<String, NDArray> params(AsrModel model) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    ParameterNames.of(model).forEach((k, p) -> out.put(k, p.getArray()));
    return out;
  }

  private static void assertSame(Map<String, byte[]> actual, Map<String, byte[]> expected) {
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualTo(v));
  }

  private static Checkpoint.State state(long step) {
    return new Checkpoint.State(0, step, 1, 5, List.of());
  }

  /** Model, moments and step come back bit for bit, and the next step then matches an uninterrupted run. */
  @Test
  void resumeRestoresModelAndOptimizerBitForBit() throws Exception {
    Recipe r = recipe(RECIPE);
    Path units = units();
    for (String path : new String[] {"views", "copies", "readOptimizer"}) {
      TensorArchive.hostViews = !path.equals("copies");
      try (NDManager m = NDManager.newBaseManager()) {
        AsrModel a = AsrModel.create(r, m, 1);
        Adam adamA = new Adam(ParameterNames.of(a), m);
        step(a, adamA, m, 1);
        step(a, adamA, m, 2);
        Path dir = tmp.resolve("ckpt-" + path);
        Checkpoint.save(dir, a, adamA, state(adamA.step()), RECIPE, units);

        AsrModel b = AsrModel.create(r, m, 99);
        Adam adamB = new Adam(ParameterNames.of(b), m);
        Checkpoint.loadParameters(dir.resolve("model.npz"), b);
        if (path.equals("readOptimizer")) {
          adamB.restore(Checkpoint.readOptimizer(dir), Checkpoint.readState(dir).step());
        } else {
          Checkpoint.loadOptimizer(dir, adamB, Checkpoint.readState(dir).step());
        }
        assertSame(bytes(params(b)), bytes(params(a)));
        assertSame(bytes(adamB.state()), bytes(adamA.state()));
        assertThat(adamB.step()).isEqualTo(2);

        float lossA = step(a, adamA, m, 3);
        float lossB = step(b, adamB, m, 3);
        assertThat(Float.floatToRawIntBits(lossB)).as(path).isEqualTo(Float.floatToRawIntBits(lossA));
        assertSame(bytes(params(b)), bytes(params(a)));
      } finally {
        TensorArchive.hostViews = true;
      }
    }
  }

  @Test
  void numpyReadsTheCheckpointUnderWenetNames() throws Exception {
    Numpy.assume();
    Recipe r = recipe(RECIPE);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel a = AsrModel.create(r, m, 1);
      Adam adam = new Adam(ParameterNames.of(a), m);
      step(a, adam, m, 1);
      Path dir = tmp.resolve("ckpt");
      Checkpoint.save(dir, a, adam, state(1), RECIPE, units());
      String script = """
          import sys, hashlib, numpy as np
          for f in sys.argv[1:]:
              z = np.load(f)
              for k in z.files:
                  print(k + ' ' + ','.join(map(str, z[k].shape)) + ' ' + hashlib.sha256(z[k].astype('<f4').tobytes()).hexdigest())
          """;
      List<String> expected = new ArrayList<>();
      for (Map<String, NDArray> group : List.of(params(a), adam.state())) {
        for (Map.Entry<String, NDArray> e : group.entrySet()) {
          ByteBuffer b = e.getValue().toByteBuffer();
          byte[] le = new byte[b.remaining()];
          b.order(ByteOrder.LITTLE_ENDIAN).get(le);
          String shape = String.join(",", java.util.Arrays.stream(e.getValue().getShape().getShape())
              .mapToObj(String::valueOf).toList());
          expected.add(e.getKey() + " " + shape + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le)));
        }
      }
      List<String> lines = Numpy.run(script, dir.resolve("model.npz").toString(), dir.resolve("optimizer.npz").toString())
          .lines().toList();
      assertThat(lines).containsExactlyElementsOf(expected);
      assertThat(lines).anyMatch(l -> l.startsWith("encoder.encoders.0.self_attn.linear_q.weight 32,32 "))
          .anyMatch(l -> l.startsWith("mean/encoder.encoders.0.self_attn.linear_q.weight 32,32 "))
          .anyMatch(l -> l.startsWith("var/decoder.decoders.0.feed_forward.w_1.weight 64,32 "));
    }
  }

  /** A save that fails part-way (here: a tensor of the optimizer is gone) leaves the checkpoint before it intact. */
  @Test
  void failedSaveLeavesThePreviousCheckpointIntact() throws Exception {
    Recipe r = recipe(RECIPE);
    Path dir = tmp.resolve("ckpt");
    Path units = units();
    Map<Path, byte[]> before;
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel a = AsrModel.create(r, m, 1);
      Adam adam = new Adam(ParameterNames.of(a), m);
      step(a, adam, m, 1);
      Checkpoint.save(dir, a, adam, state(1), RECIPE, units);
      before = snapshot(dir);
      step(a, adam, m, 2);
      // model.npz is complete by then; the failure comes in the middle of optimizer.npz
      List<String> moments = new ArrayList<>(adam.state().keySet());
      adam.state().get(moments.get(moments.size() / 2 + 3)).close();
      assertThatThrownBy(() -> Checkpoint.save(dir, a, adam, state(2), RECIPE, units))
          .isInstanceOf(RuntimeException.class);
    }
    Map<Path, byte[]> after = snapshot(dir);
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet()) // no *.tmp, no partial file
        .containsExactlyInAnyOrder(dir.resolve("model.npz"), dir.resolve("optimizer.npz"), dir.resolve("trainer.json"),
            dir.resolve("recipe.yaml"), dir.resolve("units.txt"));
    before.forEach((f, b) -> assertThat(after.get(f)).as(f.toString()).isEqualTo(b));
    assertThat(Checkpoint.readState(dir).step()).isEqualTo(1);
  }

  private static Map<Path, byte[]> snapshot(Path dir) throws Exception {
    Map<Path, byte[]> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        out.put(f, Files.readAllBytes(f));
      }
    }
    return out;
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }

  /**
   * Saving and loading copy no tensor into the Java heap: the bytes this thread allocates do not
   * grow when the feed-forward tensors are 64x larger (the earlier save copied the whole model and both Adam
   * moments into Java arrays, then once more into .npy bytes), and loading adds nothing to the
   * JVM's direct-buffer pool (NDArray.set would make each tensor's storage a direct buffer).
   */
  @Test
  void savingAndLoadingDoNotCopyTensorsIntoJavaMemory() throws Exception {
    Path units = units();
    String wideText = RECIPE.replace("linear_units: 64", "linear_units: 4096");
    long[][] measured = new long[2][];
    long[] tensorBytes = new long[2];
    int run = 0;
    for (String text : new String[] {RECIPE, RECIPE, wideText}) { // the first narrow run loads the classes
      Recipe r = recipe(text);
      try (NDManager m = NDManager.newBaseManager()) {
        AsrModel model = AsrModel.create(r, m, 1);
        Adam adam = new Adam(ParameterNames.of(model), m);
        Path dir = tmp.resolve("mem" + run);
        long a0 = allocated();
        Checkpoint.save(dir, model, adam, state(0), text, units);
        long save = allocated() - a0;
        long d0 = directBytes();
        a0 = allocated();
        Checkpoint.loadParameters(dir.resolve("model.npz"), model);
        Checkpoint.loadOptimizer(dir, adam, 0);
        long load = allocated() - a0;
        long direct = directBytes() - d0;
        if (run > 0) {
          measured[run - 1] = new long[] {save, load, direct};
          tensorBytes[run - 1] = params(model).values().stream().mapToLong(a -> a.size() * 4).sum() * 3;
        }
      }
      run++;
    }
    long[] narrow = measured[0];
    long[] wide = measured[1];
    assertThat(tensorBytes[1]).isGreaterThan(tensorBytes[0] * 8).isGreaterThan(8L << 20);
    assertThat(wide[0]).as("bytes allocated by save, wide vs narrow " + narrow[0]).isLessThan(narrow[0] + (64 << 10));
    assertThat(wide[1]).as("bytes allocated by load, wide vs narrow " + narrow[1]).isLessThan(narrow[1] + (64 << 10));
    assertThat(wide[0]).isLessThan(tensorBytes[1] / 4); // the earlier save allocated more than twice the tensors
    assertThat(wide[2]).as("direct-buffer bytes added by load").isLessThan(1 << 20);
  }

  /** Checkpoints written before streaming (deflate level 0 through ZipOutputStream) still load. */
  @Test
  void loadsCheckpointsOfTheEarlierDeflatedFormat() throws Exception {
    Recipe r = recipe(RECIPE);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel a = AsrModel.create(r, m, 1);
      Path file = tmp.resolve("old-model.npz");
      try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
        zip.setLevel(0);
        for (Map.Entry<String, NDArray> e : params(a).entrySet()) {
          long[] s = e.getValue().getShape().getShape();
          int[] shape = new int[s.length];
          for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
          }
          zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
          zip.write(Npy.toBytes(shape, e.getValue().toFloatArray()));
          zip.closeEntry();
        }
      }
      AsrModel b = AsrModel.create(r, m, 2);
      Checkpoint.loadParameters(file, b);
      assertSame(bytes(params(b)), bytes(params(a)));
    }
  }

  @Test
  void corruptOrTruncatedCheckpointsNameTheFileAndEntry() throws Exception {
    Recipe r = recipe(RECIPE);
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel a = AsrModel.create(r, m, 1);
      Path dir = tmp.resolve("ckpt");
      Checkpoint.save(dir, a, null, state(0), RECIPE, units());
      Path model = dir.resolve("model.npz");
      byte[] good = Files.readAllBytes(model);
      byte[] bad = good.clone();
      int name = indexOf(bad, "encoder.encoders.0.feed_forward.w_1.weight.npy");
      bad[name + 200] ^= 0x01; // in that tensor's data (64 x 32 floats after a 128-byte header)
      Files.write(model, bad);
      assertThatThrownBy(() -> Checkpoint.load(dir, m)).isInstanceOf(InputException.class)
          .hasMessage(model + ": entry encoder.encoders.0.feed_forward.w_1.weight.npy: CRC-32 mismatch, the data is corrupt");
      Files.write(model, java.util.Arrays.copyOf(good, name + 500));
      assertThatThrownBy(() -> Checkpoint.load(dir, m)).isInstanceOf(InputException.class)
          .hasMessageStartingWith(model + ": truncated or corrupt .npz archive: entry"
              + " encoder.encoders.0.feed_forward.w_1.weight.npy is cut off");
    }
  }

  private static int indexOf(byte[] hay, String text) {
    byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(text + " not found");
  }

  /** WeNet's average_model: the first checkpoint's values plus the others in order, divided by their number. */
  @Test
  void averageIsTheElementwiseMeanTensorByTensor() throws Exception {
    Recipe r = recipe(RECIPE);
    Path units = units();
    List<Path> dirs = new ArrayList<>();
    List<Map<String, float[]>> values = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      for (int seed = 1; seed <= 3; seed++) {
        AsrModel a = AsrModel.create(r, m, seed);
        Adam adam = new Adam(ParameterNames.of(a), m);
        Path dir = tmp.resolve("epoch_" + seed);
        Checkpoint.save(dir, a, adam, new Checkpoint.State(seed, seed, 0, 5, List.of()), RECIPE, units);
        dirs.add(dir);
        Map<String, float[]> v = new LinkedHashMap<>();
        params(a).forEach((k, arr) -> v.put(k, arr.toFloatArray()));
        values.add(v);
      }
    }
    Path out = tmp.resolve("final");
    Checkpoint.average(dirs, out);
    assertThat(out.resolve("optimizer.npz")).doesNotExist();
    assertThat(Files.readString(out.resolve("trainer.json"))).contains("averaged_from");
    Map<String, Npy.Array> avg = org.asr3m.io.Npz.read(out.resolve("model.npz"));
    assertThat(avg.keySet()).containsExactlyElementsOf(values.get(0).keySet());
    for (String k : avg.keySet()) {
      float[] expected = values.get(0).get(k).clone();
      for (int c = 1; c < 3; c++) {
        for (int i = 0; i < expected.length; i++) {
          expected[i] += values.get(c).get(k)[i];
        }
      }
      for (int i = 0; i < expected.length; i++) {
        expected[i] /= 3;
      }
      assertThat(avg.get(k).data()).as(k).containsExactly(expected);
    }
  }
}
