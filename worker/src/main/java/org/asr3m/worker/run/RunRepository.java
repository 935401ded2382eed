package org.asr3m.worker.run;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The runs table and a run's stage rows: everything the worker reads and writes about a run. */
@Repository
public class RunRepository {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;

  public RunRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What a new run needs; the platform API inserts the same row. */
  public record NewRun(String name, String recipe, String modelType, Integer numExperts, Long seed, String trainData,
      String devData, Map<String, String> testData, int maxEpochs, long maxSteps, Long experimentId) {}

  /** Inserts a QUEUED run with its five stages PENDING and returns its id. */
  public long insert(NewRun r) {
    var keys = new GeneratedKeyHolder();
    jdbc.sql("insert into runs (name, status, recipe, model_type, num_experts, seed, train_data, dev_data, test_data,"
            + " max_epochs, max_steps, experiment_id) values (?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(r.name(), r.recipe(), r.modelType(), r.numExperts(), r.seed(), r.trainData(), r.devData(),
            JSON.writeValueAsString(r.testData()), r.maxEpochs(), r.maxSteps(), r.experimentId())
        .update(keys, "id");
    long id = keys.getKeyAs(Number.class).longValue();
    for (Stage s : Stage.values()) {
      jdbc.sql("insert into run_stages (run_id, stage, ordinal, status) values (?, ?, ?, 'PENDING')")
          .params(id, s.stepName(), s.ordinal()).update();
    }
    return id;
  }

  public Optional<RunRecord> find(long id) {
    return jdbc.sql("select * from runs where id = ?").param(id).query((rs, i) -> new RunRecord(rs.getLong("id"),
        rs.getString("name"), RunStatus.valueOf(rs.getString("status")), rs.getString("recipe"),
        rs.getString("train_data"), rs.getString("dev_data"), testData(rs.getString("test_data")),
        rs.getInt("max_epochs"), rs.getLong("max_steps"), rs.getString("worker_id"),
        (Long) rs.getObject("job_execution_id", Long.class), rs.getBoolean("cancel_requested"))).optional();
  }

  public RunRecord get(long id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("no run " + id));
  }

  public void setJobExecution(long runId, long jobExecutionId) {
    jdbc.sql("update runs set job_execution_id = ? where id = ?").params(jobExecutionId, runId).update();
  }

  /** Records what the run executes on (versions of the project, git commit, JVM, DJL, PyTorch; device). */
  public void describe(long runId, String versionsJson, String device) {
    jdbc.sql("update runs set versions = ?, device = ? where id = ?").params(versionsJson, device, runId).update();
  }

  /** Model size from the recipe (for the CER comparison's parameter and FLOPs columns). */
  public void size(long runId, long parameters, double flopsPerSecond) {
    jdbc.sql("update runs set parameters = ?, flops_per_second = ? where id = ?").params(parameters, flopsPerSecond, runId)
        .update();
  }

  /** Content fingerprints of the run's data sets (JSON: set → SHA-256). */
  public void fingerprints(long runId, String json) {
    jdbc.sql("update runs set data_fingerprints = ? where id = ?").params(json, runId).update();
  }

  /** The fingerprint recorded for one data set of the run ({@code train}, {@code dev}, …), if any. */
  public Optional<String> dataFingerprint(long runId, String set) {
    List<String> rows = jdbc.sql("select data_fingerprints from runs where id = ?").param(runId).query(String.class)
        .list();
    String json = rows.isEmpty() ? null : rows.get(0);
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    var node = JSON.readTree(json).path(set);
    return node.isString() ? Optional.of(node.asString()) : Optional.empty();
  }

  /**
   * Final state of a run; the lease is released with it, and so is the experiment's active-run slot
   * (active_experiment_id, which the platform API sets when it queues a run).
   */
  public void finish(long runId, RunStatus status, String failureReason) {
    jdbc.sql("update runs set status = ?, failure_reason = ?, finished_at = ?, worker_id = null,"
            + " lease_expires_at = null, active_experiment_id = null where id = ?")
        .params(status.name(), failureReason, now(), runId).update();
  }

  /** A failed or cancelled run queued again: its completed stages stay completed, the failed one runs again. */
  public void requeue(long runId) {
    jdbc.sql("update runs set status = 'QUEUED', failure_reason = null, finished_at = null, cancel_requested = false,"
            + " worker_id = null, lease_expires_at = null where id = ?").param(runId).update();
    jdbc.sql("update run_stages set status = 'PENDING', updated_at = ? where run_id = ? and status in ('FAILED', 'RUNNING')")
        .params(now(), runId).update();
  }

  public boolean cancelRequested(long runId) {
    return jdbc.sql("select cancel_requested from runs where id = ?").param(runId).query(Boolean.class).single();
  }

  // --- stages ---

  /** A stage row as the UI shows it. */
  public record StageRow(Stage stage, StageStatus status, String inputHash, String outputPrefix, Long reusedFromRun,
      String message, Double progress, Double etaSeconds) {}

  public Map<Stage, StageRow> stages(long runId) {
    Map<Stage, StageRow> out = new LinkedHashMap<>();
    jdbc.sql("select * from run_stages where run_id = ? order by ordinal").param(runId).query((rs, i) -> new StageRow(
            Stage.ofStep(rs.getString("stage")), StageStatus.valueOf(rs.getString("status")),
            rs.getString("input_hash"), rs.getString("output_prefix"),
            (Long) rs.getObject("reused_from_run", Long.class), rs.getString("message"),
            (Double) rs.getObject("progress", Double.class), (Double) rs.getObject("eta_seconds", Double.class)))
        .list().forEach(r -> out.put(r.stage(), r));
    return out;
  }

  public void stageStarted(long runId, Stage stage, String inputHash) {
    jdbc.sql("update run_stages set status = 'RUNNING', input_hash = ?, message = null, started_at = coalesce(started_at, ?),"
            + " updated_at = ? where run_id = ? and stage = ?")
        .params(inputHash, now(), now(), runId, stage.stepName()).update();
  }

  public void stageFinished(long runId, Stage stage, StageStatus status, String outputPrefix, Long reusedFromRun,
      String message) {
    jdbc.sql("update run_stages set status = ?, output_prefix = ?, reused_from_run = ?, message = ?, finished_at = ?,"
            + " updated_at = ?, progress = case when ? then 1.0 else progress end, eta_seconds = case when ? then 0 else eta_seconds end"
            + " where run_id = ? and stage = ?")
        .params(status.name(), outputPrefix, reusedFromRun, message, now(), now(), status.done(), status.done(), runId,
            stage.stepName())
        .update();
  }

  public void stageProgress(long runId, Stage stage, double progress, Double etaSeconds) {
    jdbc.sql("update run_stages set progress = ?, eta_seconds = ?, updated_at = ? where run_id = ? and stage = ?")
        .params(progress, etaSeconds, now(), runId, stage.stepName()).update();
  }

  /** Where an earlier stage of this run left its outputs (its own prefix, or the reused run's). */
  public String outputPrefix(long runId, Stage stage) {
    StageRow row = stages(runId).get(stage);
    if (row == null || row.outputPrefix() == null) {
      throw new IllegalStateException("run " + runId + ": stage " + stage.stepName() + " has no outputs (status "
          + (row == null ? "missing" : row.status()) + ")");
    }
    return row.outputPrefix();
  }

  // --- results ---

  public record Result(String testSet, String mode, double cer, long refChars, long correct, long substitutions,
      long deletions, long insertions, int utterances, double rtf) {}

  public void saveResult(long runId, Result r) {
    jdbc.sql("delete from results where run_id = ? and test_set = ? and decode_mode = ?")
        .params(runId, r.testSet(), r.mode()).update();
    jdbc.sql("insert into results (run_id, test_set, decode_mode, cer, ref_chars, correct, substitutions, deletions,"
            + " insertions, utterances, rtf) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(runId, r.testSet(), r.mode(), r.cer(), r.refChars(), r.correct(), r.substitutions(), r.deletions(),
            r.insertions(), r.utterances(), r.rtf())
        .update();
  }

  public List<Result> results(long runId) {
    return jdbc.sql("select * from results where run_id = ? order by test_set, decode_mode").param(runId)
        .query((rs, i) -> new Result(rs.getString("test_set"), rs.getString("decode_mode"), rs.getDouble("cer"),
            rs.getLong("ref_chars"), rs.getLong("correct"), rs.getLong("substitutions"), rs.getLong("deletions"),
            rs.getLong("insertions"), rs.getInt("utterances"), rs.getDouble("rtf")))
        .list();
  }

  static OffsetDateTime now() {
    return OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
  }

  private static Map<String, String> testData(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
  }
}
