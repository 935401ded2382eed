package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.asr3m.io.NpzReader;
import org.asr3m.io.NpzWriter;
import org.asr3m.io.StagedFiles;
import org.asr3m.nn.ParameterNames;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A checkpoint is a directory:
 * <pre>
 *   model.npz      parameters (float32) keyed by WeNet-style path, e.g. encoder.encoders.0.self_attn.linear_q.weight;
 *                  includes the global CMVN (encoder.global_cmvn.mean / istd). Opens with numpy.load.
 *   optimizer.npz  Adam moments, "mean/&lt;path&gt;" and "var/&lt;path&gt;" (training checkpoints only)
 *   trainer.json   {"format":"asr3m-checkpoint-1","epoch":…,"step":…,"batch_in_epoch":…,"seed":…,"dev":[…]}
 *   recipe.yaml    the recipe the model was built from
 *   units.txt      the modelling units
 * </pre>
 * Everything needed to decode or resume is inside, so a checkpoint can be copied on its own.
 *
 * <p>Memory: saving, loading, averaging and initialising stream one tensor at a time between the
 * model's own memory and the archive (entries stored uncompressed, ZIP64 past 4 GiB), so the Java
 * heap needed does not grow with the model. Files are written to temporary names and renamed
 * together once complete, so an interrupted save never corrupts the previous checkpoint.
 */
public final class Checkpoint {
  public static final String FORMAT = "asr3m-checkpoint-1";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Checkpoint() {}

  /** Where training stood when a checkpoint was written. */
  public record State(int epoch, long step, int batchInEpoch, long seed, List<DevResult> dev) {}

  /** Validation result of one finished epoch. */
  public record DevResult(int epoch, double ctc, double att, double loss) {}

  /**
   * Writes a checkpoint into {@code dir}, tensor by tensor. Every file goes to a temporary name
   * first and all are renamed only once all are complete (trainer.json last), so a failure
   * part-way leaves a previous checkpoint in {@code dir} as it was.
   */
  public static void save(Path dir, Block model, Adam optimizer, State state, String recipeYaml, Path unitsFile)
      throws IOException {
    Files.createDirectories(dir);
    String units = Files.readString(unitsFile);
    try (StagedFiles files = new StagedFiles(dir)) {
      writeTensors(files.stage("model.npz"), arrays(ParameterNames.of(model)));
      if (optimizer != null) {
        writeTensors(files.stage("optimizer.npz"), optimizer.state());
      }
      files.writeString("recipe.yaml", recipeYaml);
      files.writeString("units.txt", units);
      files.writeString("trainer.json", stateJson(state, null));
      files.commit();
    }
    if (optimizer == null) {
      Files.deleteIfExists(dir.resolve("optimizer.npz")); // a stale one would not belong to these parameters
    }
  }

  /** A model rebuilt from a checkpoint directory, with the units it was trained on. */
  public record Loaded(org.asr3m.model.AsrModel model, org.asr3m.recipe.Recipe recipe, org.asr3m.data.Units units) {}

  /** Rebuilds the model from the checkpoint's own recipe and units and loads its parameters. */
  public static Loaded load(Path dir, ai.djl.ndarray.NDManager manager) {
    if (!Files.isRegularFile(dir.resolve("model.npz"))) {
      throw new InputException(dir, "not a checkpoint directory (no model.npz)");
    }
    org.asr3m.data.Units units = org.asr3m.data.Units.read(dir.resolve("units.txt"));
    org.asr3m.recipe.Recipe recipe = org.asr3m.recipe.Recipe.read(dir.resolve("recipe.yaml")).withVocab(units.size());
    org.asr3m.model.AsrModel model = org.asr3m.model.AsrModel.create(recipe, manager, recipe.train().seed());
    loadParameters(dir.resolve("model.npz"), model);
    return new Loaded(model, recipe, units);
  }

  public static State readState(Path dir) {
    Path file = dir.resolve("trainer.json");
    try {
      var node = JSON.readTree(Files.readString(file));
      if (!FORMAT.equals(node.path("format").asString(""))) {
        throw new InputException(file, "not an asr3m checkpoint (format is '" + node.path("format").asString("") + "', expected "
            + FORMAT + ")");
      }
      List<DevResult> dev = new ArrayList<>();
      for (var d : node.path("dev")) {
        dev.add(new DevResult(d.path("epoch").asInt(), d.path("ctc").asDouble(), d.path("att").asDouble(),
            d.path("loss").asDouble()));
      }
      return new State(node.path("epoch").asInt(), node.path("step").asLong(), node.path("batch_in_epoch").asInt(),
          node.path("seed").asLong(), dev);
    } catch (NoSuchFileException e) {
      throw new InputException(dir, "not a checkpoint directory (no trainer.json)");
    } catch (IOException | JacksonException e) {
      throw new InputException(file, 0, "cannot read checkpoint state: " + e.getMessage(), e);
    }
  }

  /**
   * Loads parameters into {@code model}, one tensor at a time into the parameter's own memory.
   * Names and shapes must match exactly; any difference is an error listing what differs, raised
   * before anything is copied (a checkpoint from another recipe must not load half-way).
   */
  public static void loadParameters(Path npzFile, Block model) {
    Map<String, Parameter> params = ParameterNames.of(model);
    try (NpzReader in = NpzReader.open(npzFile)) {
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        Shape expected = e.getValue().getArray().getShape();
        if (!in.contains(e.getKey())) {
          problems.add("missing " + e.getKey() + " " + expected);
          continue;
        }
        Shape saved = new Shape(in.header(e.getKey()).shape());
        if (!saved.equals(expected)) {
          problems.add(e.getKey() + " has shape " + saved + " in the checkpoint but the recipe builds " + expected);
        }
      }
      for (String k : in.names()) {
        if (!params.containsKey(k)) {
          problems.add("unexpected " + k);
        }
      }
      if (!problems.isEmpty()) {
        int shown = Math.min(problems.size(), 10);
        throw new InputException(npzFile, "checkpoint does not match the model's recipe ("
            + problems.size() + " difference(s)): " + String.join("; ", problems.subList(0, shown))
            + (problems.size() > shown ? "; …" : ""));
      }
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        TensorArchive.read(in, e.getKey(), e.getValue().getArray());
      }
    }
  }

  /** What {@link #initFrom} copied and what it left at its random initialisation. */
  public record InitReport(int copied, int experts, int embedding, java.util.List<String> random) {}

  /**
   * Initialises an MoE/3M model the way the reference recipe does: every parameter whose name and
   * shape exist in the dense base checkpoint is copied; every expert of an MoE layer starts as a
   * copy of the base block's FFN in the same slot ({@code …feed_forward.experts.k.w_1} ←
   * {@code …feed_forward.w_1}); the embedding network comes from the pretrained embedding
   * checkpoint's encoder and CTC head; routers (and anything else new) keep their random values.
   * Tensors are copied one at a time.
   *
   * @param baseDir dense base checkpoint, or null (only the embedding network is loaded)
   * @param embeddingDir pretrained embedding network (a {@code model: conformer} checkpoint), or null
   */
  public static InitReport initFrom(Path baseDir, Path embeddingDir, Block model) {
    try (NpzReader base = baseDir == null ? null : NpzReader.open(baseDir.resolve("model.npz"));
        NpzReader emb = embeddingDir == null ? null : NpzReader.open(embeddingDir.resolve("model.npz"))) {
      int copied = 0;
      int experts = 0;
      int embedding = 0;
      List<String> random = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : ParameterNames.of(model).entrySet()) {
        String name = e.getKey();
        NDArray target = e.getValue().getArray();
        NpzReader from;
        String source;
        if (name.startsWith("embedding.")) {
          from = emb;
          source = name.substring("embedding.".length());
        } else if (name.contains(".experts.")) {
          from = base;
          source = name.replaceFirst("\\.experts\\.\\d+\\.", ".");
        } else {
          from = base;
          source = name;
        }
        if (from == null || !from.contains(source) || !new Shape(from.header(source).shape()).equals(target.getShape())) {
          random.add(name);
          continue;
        }
        TensorArchive.read(from, source, target);
        if (from == emb) {
          embedding++;
        } else if (name.contains(".experts.")) {
          experts++;
        } else {
          copied++;
        }
      }
      return new InitReport(copied, experts, embedding, random);
    }
  }

  /**
   * Reads the moments of an optimizer checkpoint straight into {@code optimizer}'s arrays, one
   * tensor at a time, and restores its step counter.
   */
  public static void loadOptimizer(Path dir, Adam optimizer, long step) {
    Path file = dir.resolve("optimizer.npz");
    try (NpzReader in = NpzReader.open(file)) {
      Map<String, NDArray> moments = optimizer.state();
      for (Map.Entry<String, NDArray> e : moments.entrySet()) {
        if (!in.contains(e.getKey())) {
          throw new InputException(file, "optimizer state has no entry " + e.getKey()
              + " (saved by a model built from another recipe?)");
        }
        Shape saved = new Shape(in.header(e.getKey()).shape());
        if (!saved.equals(e.getValue().getShape())) {
          throw new InputException(file, e.getKey() + " has shape " + saved + " but the model's parameter has "
              + e.getValue().getShape());
        }
      }
      for (Map.Entry<String, NDArray> e : moments.entrySet()) {
        TensorArchive.read(in, e.getKey(), e.getValue());
      }
    }
    optimizer.restoreStep(step);
  }

  /**
   * The moments of a training checkpoint by name. Values are read from the file when asked for and
   * not kept, so going through the entries one by one ({@link Adam#restore} does) holds one tensor
   * at a time; prefer {@link #loadOptimizer}, which reads straight into the optimizer.
   */
  public static Map<String, float[]> readOptimizer(Path dir) {
    Path file = dir.resolve("optimizer.npz");
    List<String> names;
    try (NpzReader in = NpzReader.open(file)) {
      names = in.names();
    }
    return new LazyArrays(file, names);
  }

  /**
   * Element-wise mean of the parameters of several checkpoints (WeNet's average_model), written
   * as a new checkpoint directory without optimizer state. Accumulates one tensor at a time
   * across the checkpoints.
   */
  public static void average(List<Path> dirs, Path out) throws IOException {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("nothing to average");
    }
    List<NpzReader> readers = new ArrayList<>();
    Files.createDirectories(out);
    try (StagedFiles files = new StagedFiles(out)) {
      for (Path d : dirs) {
        readers.add(NpzReader.open(d.resolve("model.npz")));
      }
      NpzReader first = readers.get(0);
      for (NpzReader r : readers) {
        if (!new java.util.HashSet<>(r.names()).equals(new java.util.HashSet<>(first.names()))) {
          throw new InputException(r.file(), "parameters differ from " + first.file() + "; cannot average");
        }
      }
      try (NpzWriter w = NpzWriter.create(files.stage("model.npz"))) {
        for (String name : first.names()) {
          Npy.Header h = first.header(name);
          for (NpzReader r : readers) {
            if (!java.util.Arrays.equals(r.header(name).shape(), h.shape())) {
              throw new InputException(r.file(), name + " has shape " + new Shape(r.header(name).shape()) + " but "
                  + new Shape(h.shape()) + " in " + first.file() + "; cannot average");
            }
          }
          w.add(name, h.shape(), mean(readers, name, h));
        }
        w.finish();
      }
      Path firstDir = dirs.get(0);
      State s = readState(firstDir);
      for (Path d : dirs) { // the latest checkpoint knows every epoch's dev result
        State other = readState(d);
        if (other.dev().size() > s.dev().size()) {
          s = new State(s.epoch(), s.step(), s.batchInEpoch(), s.seed(), other.dev());
        }
      }
      files.writeString("recipe.yaml", Files.readString(firstDir.resolve("recipe.yaml")));
      files.writeString("units.txt", Files.readString(firstDir.resolve("units.txt")));
      files.writeString("trainer.json", stateJson(new State(s.epoch(), s.step(), 0, s.seed(), s.dev()), dirs));
      files.commit();
    } finally {
      readers.forEach(NpzReader::close);
    }
    Files.deleteIfExists(out.resolve("optimizer.npz"));
  }

  /** Mean of one tensor over the checkpoints: the first copied, the others added in order, then divided. */
  private static ByteBuffer mean(List<NpzReader> readers, String name, Npy.Header h) {
    int n = Math.toIntExact(h.elements());
    float[] acc = new float[n];
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(h.dataBytes())).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < readers.size(); c++) {
      buf.clear();
      readers.get(c).read(name, buf);
      FloatBuffer v = buf.flip().asFloatBuffer();
      if (c == 0) {
        v.get(acc);
        continue;
      }
      for (int i = 0; i < n; i++) {
        acc[i] += v.get(i);
      }
    }
    for (int i = 0; i < n; i++) {
      acc[i] /= readers.size();
    }
    buf.clear();
    buf.asFloatBuffer().put(acc);
    return buf;
  }

  /** trainer.json; {@code averagedFrom} lists the checkpoints of an averaged model (null otherwise). */
  private static String stateJson(State state, List<Path> averagedFrom) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", FORMAT);
    json.put("epoch", state.epoch());
    json.put("step", state.step());
    json.put("batch_in_epoch", state.batchInEpoch());
    json.put("seed", state.seed());
    json.put("dev", state.dev());
    if (averagedFrom != null) {
      json.put("averaged_from", averagedFrom.stream().map(Path::toString).toList());
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
  }

  private static void writeTensors(Path file, Map<String, NDArray> tensors) throws IOException {
    try (NpzWriter w = NpzWriter.create(file)) {
      for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
        TensorArchive.write(w, e.getKey(), e.getValue());
      }
      w.finish();
    }
  }

  private static Map<String, NDArray> arrays(Map<String, Parameter> params) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((k, p) -> out.put(k, p.getArray()));
    return out;
  }

  /** Arrays of an .npz file read on each access, never cached. */
  private static final class LazyArrays extends AbstractMap<String, float[]> {
    private final Path file;
    private final Set<String> names;

    LazyArrays(Path file, List<String> names) {
      this.file = file;
      this.names = new java.util.LinkedHashSet<>(names);
    }

    @Override
    public float[] get(Object key) {
      if (!names.contains(key)) {
        return null;
      }
      try (NpzReader in = NpzReader.open(file)) {
        return in.read((String) key).data();
      }
    }

    @Override
    public boolean containsKey(Object key) {
      return names.contains(key);
    }

    @Override
    public Set<Entry<String, float[]>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, float[]>> iterator() {
          Iterator<String> it = names.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Entry<String, float[]> next() {
              String k = it.next();
              return new SimpleImmutableEntry<>(k, get(k));
            }
          };
        }

        @Override
        public int size() {
          return names.size();
        }
      };
    }
  }
}
