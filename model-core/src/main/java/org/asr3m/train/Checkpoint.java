package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.io.InputException;
import org.asr3m.io.Npy;
import org.asr3m.io.Npz;
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
 * Files are written to temporary names and renamed, so an interrupted save never corrupts the
 * previous checkpoint.
 */
public final class Checkpoint {
  public static final String FORMAT = "asr3m-checkpoint-1";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Checkpoint() {}

  /** Where training stood when a checkpoint was written. */
  public record State(int epoch, long step, int batchInEpoch, long seed, List<DevResult> dev) {}

  /** Validation result of one finished epoch. */
  public record DevResult(int epoch, double ctc, double att, double loss) {}

  public static void save(Path dir, Block model, Adam optimizer, State state, String recipeYaml, Path unitsFile)
      throws IOException {
    Files.createDirectories(dir);
    Npz.write(dir.resolve("model.npz"), toArrays(ParameterNames.of(model)));
    if (optimizer != null) {
      Map<String, Npy.Array> opt = new LinkedHashMap<>();
      optimizer.state().forEach((k, v) -> opt.put(k, toArray(v)));
      Npz.write(dir.resolve("optimizer.npz"), opt);
    }
    writeState(dir, state, null);
    writeAtomically(dir.resolve("recipe.yaml"), recipeYaml);
    writeAtomically(dir.resolve("units.txt"), Files.readString(unitsFile));
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

  /** Writes trainer.json; {@code averagedFrom} lists the checkpoints of an averaged model (null otherwise). */
  private static void writeState(Path dir, State state, List<Path> averagedFrom) throws IOException {
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
    writeAtomically(dir.resolve("trainer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
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
   * Loads parameters into {@code model}. Names and shapes must match exactly; any difference is an
   * error listing what differs (a checkpoint from another recipe must not load half-way).
   */
  public static void loadParameters(Path npzFile, Block model) {
    Map<String, Npy.Array> saved = Npz.read(npzFile);
    Map<String, Parameter> params = ParameterNames.of(model);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Npy.Array a = saved.get(e.getKey());
      Shape expected = e.getValue().getArray().getShape();
      if (a == null) {
        problems.add("missing " + e.getKey() + " " + expected);
      } else if (!new Shape(toLong(a.shape())).equals(expected)) {
        problems.add(e.getKey() + " has shape " + new Shape(toLong(a.shape())) + " in the checkpoint but the recipe builds "
            + expected);
      }
    }
    for (String k : saved.keySet()) {
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
      e.getValue().getArray().set(saved.get(e.getKey()).data());
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
   *
   * @param baseDir dense base checkpoint, or null (only the embedding network is loaded)
   * @param embeddingDir pretrained embedding network (a {@code model: conformer} checkpoint), or null
   */
  public static InitReport initFrom(Path baseDir, Path embeddingDir, Block model) {
    Map<String, Npy.Array> base = baseDir == null ? Map.of() : Npz.read(baseDir.resolve("model.npz"));
    Map<String, Npy.Array> emb = embeddingDir == null ? Map.of() : Npz.read(embeddingDir.resolve("model.npz"));
    int copied = 0;
    int experts = 0;
    int embedding = 0;
    List<String> random = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : ParameterNames.of(model).entrySet()) {
      String name = e.getKey();
      Shape shape = e.getValue().getArray().getShape();
      Npy.Array src;
      if (name.startsWith("embedding.")) {
        src = match(emb.get(name.substring("embedding.".length())), shape);
        embedding += src == null ? 0 : 1;
      } else if (name.contains(".experts.")) {
        src = match(base.get(name.replaceFirst("\\.experts\\.\\d+\\.", ".")), shape);
        experts += src == null ? 0 : 1;
      } else {
        src = match(base.get(name), shape);
        copied += src == null ? 0 : 1;
      }
      if (src == null) {
        random.add(name);
      } else {
        e.getValue().getArray().set(src.data());
      }
    }
    return new InitReport(copied, experts, embedding, random);
  }

  private static Npy.Array match(Npy.Array a, Shape shape) {
    return a != null && new Shape(toLong(a.shape())).equals(shape) ? a : null;
  }

  /** Reads the optimizer moments of a training checkpoint. */
  public static Map<String, float[]> readOptimizer(Path dir) {
    Map<String, float[]> out = new LinkedHashMap<>();
    Npz.read(dir.resolve("optimizer.npz")).forEach((k, v) -> out.put(k, v.data()));
    return out;
  }

  /**
   * Element-wise mean of the parameters of several checkpoints (WeNet's average_model), written
   * as a new checkpoint directory without optimizer state.
   */
  public static void average(List<Path> dirs, Path out) throws IOException {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("nothing to average");
    }
    Map<String, Npy.Array> sum = null;
    for (Path d : dirs) {
      Map<String, Npy.Array> p = Npz.read(d.resolve("model.npz"));
      if (sum == null) {
        sum = new LinkedHashMap<>();
        for (var e : p.entrySet()) {
          sum.put(e.getKey(), new Npy.Array(e.getValue().shape(), e.getValue().data().clone()));
        }
        continue;
      }
      if (!p.keySet().equals(sum.keySet())) {
        throw new InputException(d.resolve("model.npz"), "parameters differ from " + dirs.get(0) + "; cannot average");
      }
      for (var e : p.entrySet()) {
        float[] acc = sum.get(e.getKey()).data();
        float[] v = e.getValue().data();
        for (int i = 0; i < acc.length; i++) {
          acc[i] += v[i];
        }
      }
    }
    for (Npy.Array a : sum.values()) {
      float[] acc = a.data();
      for (int i = 0; i < acc.length; i++) {
        acc[i] /= dirs.size();
      }
    }
    Files.createDirectories(out);
    Npz.write(out.resolve("model.npz"), sum);
    Path first = dirs.get(0);
    State s = readState(first);
    for (Path d : dirs) { // the latest checkpoint knows every epoch's dev result
      State other = readState(d);
      if (other.dev().size() > s.dev().size()) {
        s = new State(s.epoch(), s.step(), s.batchInEpoch(), s.seed(), other.dev());
      }
    }
    writeState(out, new State(s.epoch(), s.step(), 0, s.seed(), s.dev()), dirs);
    writeAtomically(out.resolve("recipe.yaml"), Files.readString(first.resolve("recipe.yaml")));
    writeAtomically(out.resolve("units.txt"), Files.readString(first.resolve("units.txt")));
  }

  private static Map<String, Npy.Array> toArrays(Map<String, Parameter> params) {
    Map<String, Npy.Array> out = new LinkedHashMap<>();
    params.forEach((k, p) -> out.put(k, toArray(p.getArray())));
    return out;
  }

  private static Npy.Array toArray(NDArray a) {
    long[] s = a.getShape().getShape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = Math.toIntExact(s[i]);
    }
    return new Npy.Array(shape, a.toType(DataType.FLOAT32, false).toFloatArray());
  }

  private static long[] toLong(int[] s) {
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i];
    }
    return out;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
