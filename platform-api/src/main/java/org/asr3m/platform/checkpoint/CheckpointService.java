package org.asr3m.platform.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's train-stage checkpoints, from the artifacts table (what the worker published) and the
 * artefact store (the bytes, and trainer.json for epochs, steps and dev losses).
 */
@Service
public class CheckpointService {
  static final Pattern NAME = Pattern.compile("epoch_\\d+|step_\\d+|final");
  static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final String STATE = "trainer.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;
  private final ArtifactStore store;
  private final RunRepository runs;

  CheckpointService(JdbcClient jdbc, ArtifactStore store, RunRepository runs) {
    this.jdbc = jdbc;
    this.store = store;
    this.runs = runs;
  }

  public ArtifactStore store() {
    return store;
  }

  /** The checkpoints in training order (epochs and steps by step, final last). */
  public List<CheckpointView> list(long runId) {
    requireRun(runId);
    String prefix = prefix(runId);
    Map<String, List<StoredArtifact>> byName = new TreeMap<>();
    jdbc.sql("select object_key, size_bytes, sha256 from artifacts where run_id = ? and stage = ? and kind = 'checkpoint'"
            + " order by object_key").params(runId, Stage.TRAIN.stepName())
        .query((rs, i) -> new StoredArtifact(rs.getString(1), rs.getLong(2), rs.getString(3))).list()
        .forEach(a -> {
          if (!a.key().startsWith(prefix)) {
            return;
          }
          String[] rel = a.key().substring(prefix.length()).split("/");
          if (rel.length == 2 && NAME.matcher(rel[0]).matches()) {
            byName.computeIfAbsent(rel[0], k -> new ArrayList<>()).add(a);
          }
        });
    List<CheckpointView> out = new ArrayList<>();
    List<String> averaged = List.of();
    Map<String, JsonNode> states = new LinkedHashMap<>();
    for (var e : byName.entrySet()) {
      Optional<StoredArtifact> state = e.getValue().stream().filter(a -> a.key().endsWith("/" + STATE)).findFirst();
      if (state.isPresent()) {
        states.put(e.getKey(), readJson(state.get().key()));
      }
    }
    JsonNode fin = states.get("final");
    if (fin != null && fin.has("averaged_from")) {
      List<String> names = new ArrayList<>();
      for (JsonNode p : fin.get("averaged_from")) {
        String path = p.asString().replace('\\', '/');
        names.add(path.substring(path.lastIndexOf('/') + 1));
      }
      averaged = names;
    }
    for (var e : byName.entrySet()) {
      String name = e.getKey();
      JsonNode st = states.get(name);
      List<CheckpointView.DevLoss> dev = new ArrayList<>();
      Integer epoch = null;
      Long step = null;
      if (st != null) {
        step = st.path("step").asLong();
        for (JsonNode d : st.path("dev")) {
          dev.add(new CheckpointView.DevLoss(d.path("epoch").asInt(), d.path("loss").asDouble(), d.path("ctc").asDouble(),
              d.path("att").asDouble()));
        }
        // trainer.json's "epoch" is where training resumes; the view gives the epoch the checkpoint belongs to
        if (name.startsWith("epoch_")) {
          epoch = Integer.parseInt(name.substring(6));
        } else if (name.equals("final")) {
          epoch = dev.isEmpty() ? null : dev.get(dev.size() - 1).epoch();
        } else {
          epoch = st.path("epoch").asInt();
        }
      }
      Double devLoss = devLossOf(name, epoch, dev);
      String modelSha = e.getValue().stream().filter(a -> a.key().endsWith("/model.npz")).map(StoredArtifact::sha256)
          .findFirst().orElse(null);
      long size = e.getValue().stream().mapToLong(StoredArtifact::size).sum();
      String base = "/api/runs/" + runId + "/checkpoints/" + name;
      List<CheckpointView.FileView> files = e.getValue().stream().map(a -> {
        String f = a.key().substring(a.key().lastIndexOf('/') + 1);
        return new CheckpointView.FileView(f, a.size(), a.sha256(), base + "/" + f);
      }).toList();
      out.add(new CheckpointView(name, kind(name), st != null, epoch, step, devLoss, dev, size, modelSha,
          name.equals("final") ? averaged : List.of(), averaged.contains(name), files, base + "/bundle"));
    }
    out.sort(Comparator.comparingInt((CheckpointView c) -> c.name().equals("final") ? 1 : 0)
        .thenComparingLong(c -> c.step() == null ? Long.MAX_VALUE : c.step())
        .thenComparingInt(c -> c.kind().equals("epoch") ? 0 : 1).thenComparing(CheckpointView::name));
    return out;
  }

  /** The stored object of one checkpoint file; 404 when the run, the checkpoint or the file does not exist. */
  public StoredArtifact file(long runId, String name, String file) {
    requireRun(runId);
    if (!NAME.matcher(name).matches()) {
      throw new NotFoundException("checkpoint", name + " of run " + runId + " (names are epoch_N, step_N, final)");
    }
    if (!FILE.matcher(file).matches()) {
      throw new NotFoundException("file", file + " in checkpoint " + name + " of run " + runId);
    }
    String key = prefix(runId) + name + "/" + file;
    boolean published = jdbc.sql("select count(*) from artifacts where run_id = ? and object_key = ? and kind = 'checkpoint'")
        .params(runId, key).query(Long.class).single() > 0;
    if (!published) {
      throw new NotFoundException("file", file + " in checkpoint " + name + " of run " + runId);
    }
    try {
      return store.stat(key).orElseThrow(() -> new NotFoundException("object", key + " in " + store.describe()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The global CMVN that featurePrep computed for the run (possibly under another run's prefix), if any. */
  public Optional<StoredArtifact> globalCmvn(long runId) {
    var row = runs.stages(runId).get(Stage.FEATURE_PREP);
    if (row == null || row.outputPrefix() == null) {
      return Optional.empty();
    }
    try {
      return store.stat(row.outputPrefix() + "/global_cmvn");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void requireRun(long runId) {
    if (runs.find(runId).isEmpty()) {
      throw new NotFoundException("run", runId);
    }
  }

  private JsonNode readJson(String key) {
    try (InputStream in = store.open(key)) {
      return JSON.readTree(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + key + " from " + store.describe() + ": " + e.getMessage(), e);
    }
  }

  private static Double devLossOf(String name, Integer epoch, List<CheckpointView.DevLoss> dev) {
    if (dev.isEmpty()) {
      return null;
    }
    if (name.startsWith("epoch_") && epoch != null) {
      return dev.stream().filter(d -> d.epoch() == epoch).map(CheckpointView.DevLoss::loss).findFirst().orElse(null);
    }
    return null; // step checkpoints sit mid-epoch; final's averaged model was not evaluated on dev
  }

  private static String kind(String name) {
    return name.equals("final") ? "final" : name.substring(0, name.indexOf('_'));
  }

  static String prefix(long runId) {
    return "runs/" + runId + "/" + Stage.TRAIN.stepName() + "/";
  }
}
