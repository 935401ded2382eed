package org.asr3m.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asr3m.data.CharTokenizer;
import org.asr3m.decode.Hypothesis;
import org.asr3m.decode.Recognizer;
import org.asr3m.io.InputException;
import org.asr3m.model.Batch;
import org.asr3m.moe.ExpertStats;
import org.asr3m.score.CerReport;
import org.asr3m.score.CerScorer;
import org.asr3m.score.ErrorCounts;
import org.asr3m.score.UtteranceResult;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.ExperimentData;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The evaluation stage: a checkpoint decodes a data directory with several decoding modes (the
 * model and the features loaded once), and each mode's hypotheses are scored against the
 * directory's transcripts with WeNet's CER rules. Per mode it writes {@code OUT/<mode>/text},
 * {@code OUT/<mode>/cer.json} and, for MoE models, {@code OUT/<mode>/expert_stats.json}.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * One mode's outcome.
   *
   * @param cer character error rate in percent, (S+D+I)/N·100
   * @param refChars N, the reference tokens (= correct + substitutions + deletions)
   * @param utterances utterances decoded
   * @param rtf decoding time over audio duration (wall clock)
   * @param expertStats the expert utilisation file, null for dense models
   * @param problems utterances that could not be decoded (they count as deletions)
   */
  public record Result(String mode, double cer, long refChars, long correct, long substitutions, long deletions,
      long insertions, int utterances, double rtf, Path text, Path cerJson, Path expertStats,
      List<InputException> problems) {}

  /**
   * One decoding pass.
   *
   * @param audioSeconds audio decoded, from the feature frames (10 ms each)
   * @param seconds wall-clock time of the pass
   * @param stats MoE routing of every decoded frame (empty for dense models)
   */
  public record Decoded(int utterances, double audioSeconds, double seconds, ExpertStats stats) {
    public double rtf() {
      return seconds / Math.max(audioSeconds, 1e-9);
    }
  }

  /**
   * The name a mode's outputs are stored under: WeNet's mode name, plus {@code _chunk<N>} (and
   * {@code _left<M>}) for streaming decoding.
   */
  public static String modeName(Recognizer.Options o) {
    String name = o.mode().name().toLowerCase(Locale.ROOT);
    if (o.chunkSize() > 0) {
      name += "_chunk" + o.chunkSize() + (o.leftChunks() >= 0 ? "_left" + o.leftChunks() : "");
    }
    return name;
  }

  /** Decoding options for a mode name of a recipe's pipeline_conf, with WeNet's default weights. */
  public static Recognizer.Options options(String mode, int beam, double reverseWeight) {
    Recognizer.Options d = Recognizer.Options.DEFAULT;
    return new Recognizer.Options(Recognizer.Mode.parse(mode), beam, d.ctcWeight(), reverseWeight, 0, -1);
  }

  /**
   * Decodes {@code dataDir} with each of {@code modes} and scores every result.
   *
   * @param device cpu, gpu, gpu0, …; null: DJL's choice
   * @param log one line per decoding pass, its CER, and the expert utilisation of MoE models
   * @return results by {@link #modeName}, in the order of {@code modes}
   */
  public static Map<String, Result> decode(Path checkpointDir, Path dataDir, List<Recognizer.Options> modes,
      Path outDir, String device, PrintWriter log) throws IOException {
    Map<String, Recognizer.Options> byName = new LinkedHashMap<>();
    for (Recognizer.Options o : modes) {
      if (byName.put(modeName(o), o) != null) {
        throw new IllegalArgumentException("decoding mode " + modeName(o) + " is listed twice");
      }
    }
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("no decoding mode given");
    }
    Path refFile = dataDir.resolve("text");
    if (!Files.isRegularFile(refFile)) {
      throw new InputException(refFile, "missing: evaluation scores against the data directory's transcripts");
    }
    Device d = device == null ? null : Device.fromName(device);
    Map<String, Result> results = new LinkedHashMap<>();
    try (NDManager manager = d == null ? NDManager.newBaseManager() : NDManager.newBaseManager(d)) {
      Checkpoint.Loaded loaded = Checkpoint.load(checkpointDir, manager);
      ExperimentData data = ExperimentData.load(dataDir, loaded.units(), loaded.recipe(), false);
      List<InputException> problems = new ArrayList<>(data.problems());
      for (String removed : data.filter().removed()) {
        problems.add(new InputException(dataDir, "utterance " + removed + " is too short to decode"));
      }
      problems.forEach(p -> log.println("warning: " + p.getMessage()));
      for (Map.Entry<String, Recognizer.Options> e : byName.entrySet()) {
        Path dir = outDir.resolve(e.getKey());
        Path text = dir.resolve("text");
        Decoded decoded = decodeTo(loaded, manager, data, e.getValue(), text);
        log.printf("%s: decoded %d utterances (%.1f s of audio) in %.1f s, RTF %.4f -> %s%n", e.getKey(),
            decoded.utterances(), decoded.audioSeconds(), decoded.seconds(), decoded.rtf(), text);
        Path stats = null;
        if (!decoded.stats().isEmpty()) {
          stats = dir.resolve("expert_stats.json");
          ExpertStats.write(stats, Map.of("layers", decoded.stats().toJson()));
          log.println(e.getKey() + ": expert utilisation (share of frames per expert) -> " + stats);
          decoded.stats().summary().forEach(line -> log.println("  " + line));
        }
        CerReport report = CerScorer.score(refFile, text);
        Path cerJson = dir.resolve("cer.json");
        writeCerJson(report, cerJson);
        log.println(e.getKey() + ": " + report.overallLine());
        log.flush();
        ErrorCounts c = report.total();
        results.put(e.getKey(), new Result(e.getKey(), c.cer(), c.n(), c.correct(), c.sub(), c.del(), c.ins(),
            decoded.utterances(), decoded.rtf(), text, cerJson, stats, List.copyOf(problems)));
      }
    }
    return results;
  }

  /**
   * Decodes every utterance of {@code data} into a Kaldi text file ({@code <id> <hypothesis>}),
   * batch by batch, each batch's arrays freed before the next.
   */
  public static Decoded decodeTo(Checkpoint.Loaded loaded, NDManager manager, ExperimentData data,
      Recognizer.Options options, Path textOut) throws IOException {
    if (options.beam() < 1) {
      throw new IllegalArgumentException("beam must be >= 1, got " + options.beam());
    }
    if (options.reverseWeight() > 0 && !loaded.model().decoder().bidirectional()) {
      throw new IllegalArgumentException("--reverse-weight needs a bidirectional decoder; this model has none");
    }
    Recognizer recognizer = new Recognizer(loaded.model(), options);
    ParameterStore ps = new ParameterStore(manager, false);
    Path parent = textOut.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    long start = System.nanoTime();
    int n = 0;
    double audioSeconds = 0;
    ExpertStats stats = new ExpertStats();
    try (BufferedWriter w = Files.newBufferedWriter(textOut, StandardCharsets.UTF_8)) {
      for (List<Integer> batchIdx : data.plan().batches(0)) {
        try (NDManager bm = manager.newSubManager()) {
          Batch b = data.data().batch(bm, batchIdx, 0);
          audioSeconds += b.featLens().sum().getLong() / 100.0;
          List<Hypothesis> hyps = recognizer.decode(ps, b.feats(), b.featLens(), stats);
          for (int i = 0; i < hyps.size(); i++) {
            String id = data.data().examples().get(batchIdx.get(i)).id();
            w.write(id + " " + CharTokenizer.decode(hyps.get(i).tokens(), loaded.units()) + "\n");
            n++;
          }
        }
      }
    }
    return new Decoded(n, audioSeconds, (System.nanoTime() - start) / 1e9, stats);
  }

  /** The totals and per-utterance counts of a CER report as JSON (what {@code asr3m cer --json} writes). */
  public static void writeCerJson(CerReport report, Path file) {
    JsonMapper mapper = JsonMapper.builder().build();
    ErrorCounts total = report.total();
    ObjectNode root = mapper.createObjectNode();
    root.put("cer", total.cer());
    root.put("n", total.n());
    root.put("correct", total.correct());
    root.put("sub", total.sub());
    root.put("del", total.del());
    root.put("ins", total.ins());
    ArrayNode missing = root.putArray("missing");
    report.missing().forEach(missing::add);
    ArrayNode utterances = root.putArray("utterances");
    for (UtteranceResult utt : report.utterances()) {
      ErrorCounts c = utt.counts();
      ObjectNode node = utterances.addObject();
      node.put("id", utt.id());
      node.put("cer", c.cer());
      node.put("n", c.n());
      node.put("sub", c.sub());
      node.put("del", c.del());
      node.put("ins", c.ins());
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        mapper.writerWithDefaultPrettyPrinter().writeValue(w, root);
      }
    } catch (IOException | JacksonException e) {
      throw new InputException(file, 0, "cannot write JSON: " + e.getMessage(), e);
    }
  }
}
