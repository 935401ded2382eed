package org.asr3m.platform.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.asr3m.worker.run.StageStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads and the API's own writes of the runs tables (inserts and the worker's writes are the worker's RunRepository). */
@Repository
public class RunQueries {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;

  public RunQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Run list filters; null = any. */
  public record Filter(Long experimentId, String status, String modelType, Integer experts) {}

  /** The run that holds an experiment's active slot (QUEUED or RUNNING). */
  public record Active(long runId, String status) {}

  public Optional<RunDetail> detail(long id) {
    Optional<Map<String, Object>> row = jdbc.sql("select * from runs where id = ?").param(id).query((rs, i) -> columns(rs))
        .optional();
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> r = row.get();
    List<StageView> stages = stages(id);
    RunSummary s = summary(r, stages);
    return Optional.of(new RunDetail(s.id(), s.experimentId(), s.name(), s.status(), s.modelType(), s.numExperts(),
        s.seed(), s.workerId(), s.device(), s.attempts(), s.cancelRequested(), s.failureReason(), s.currentStage(),
        s.progress(), s.etaSeconds(), s.parameters(), s.flopsPerSecond(), s.createdAt(), s.startedAt(),
        s.finishedAt(), (OffsetDateTime) r.get("lease_expires_at"), (String) r.get("recipe"),
        (String) r.get("train_data"), (String) r.get("dev_data"), stringMap((String) r.get("test_data")),
        objectMap((String) r.get("data_fingerprints")), objectMap((String) r.get("versions")),
        ((Number) r.get("max_epochs")).intValue(), ((Number) r.get("max_steps")).longValue(), stages, results(id)));
  }

  public Optional<RunSummary> summary(long id) {
    return jdbc.sql("select * from runs where id = ?").param(id).query((rs, i) -> columns(rs)).optional()
        .map(r -> summary(r, stages(id)));
  }

  public String status(long id) {
    return jdbc.sql("select status from runs where id = ?").param(id).query(String.class).optional().orElse(null);
  }

  public List<RunSummary> list(Filter f, int page, int size) {
    List<Object> params = new ArrayList<>();
    String where = where(f, params);
    params.add(size);
    params.add((long) page * size);
    List<Map<String, Object>> rows = jdbc.sql("select * from runs" + where + " order by id desc limit ? offset ?")
        .params(params).query((rs, i) -> columns(rs)).list();
    return summaries(rows);
  }

  public long count(Filter f) {
    List<Object> params = new ArrayList<>();
    String where = where(f, params);
    return jdbc.sql("select count(*) from runs" + where).params(params).query(Long.class).single();
  }

  /** Runs of these experiments, newest first. */
  public Map<Long, List<RunSummary>> byExperiment(List<Long> experimentIds) {
    Map<Long, List<RunSummary>> out = new LinkedHashMap<>();
    if (experimentIds.isEmpty()) {
      return out;
    }
    List<Map<String, Object>> rows = jdbc.sql("select * from runs where experiment_id in (:ids) order by id desc")
        .param("ids", experimentIds).query((rs, i) -> columns(rs)).list();
    for (RunSummary s : summaries(rows)) {
      out.computeIfAbsent(s.experimentId(), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** Results of these runs. */
  public Map<Long, List<ResultRow>> results(List<Long> runIds) {
    Map<Long, List<ResultRow>> out = new LinkedHashMap<>();
    if (runIds.isEmpty()) {
      return out;
    }
    jdbc.sql("select * from results where run_id in (:ids) order by run_id, test_set, decode_mode").param("ids", runIds)
        .query((rs, i) -> Map.entry(rs.getLong("run_id"), result(rs))).list()
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }

  public List<ResultRow> results(long runId) {
    return results(List.of(runId)).getOrDefault(runId, List.of());
  }

  public List<StageView> stages(long runId) {
    return jdbc.sql("select * from run_stages where run_id = ? order by ordinal").param(runId)
        .query((rs, i) -> stage(rs)).list();
  }

  public Optional<Active> active(long experimentId) {
    return jdbc.sql("select id, status from runs where active_experiment_id = ?").param(experimentId)
        .query((rs, i) -> new Active(rs.getLong(1), rs.getString(2))).optional();
  }

  /** Claims the experiment's active slot for this run; a unique violation when another run holds it. */
  void occupy(long runId, long experimentId) {
    jdbc.sql("update runs set active_experiment_id = ? where id = ?").params(experimentId, runId).update();
  }

  /** A QUEUED run becomes CANCELLED at once (no worker has it); false when it is no longer queued. */
  boolean cancelQueued(long runId) {
    return jdbc.sql("update runs set status = 'CANCELLED', cancel_requested = true, finished_at = ?,"
            + " failure_reason = 'cancelled before a worker started it', active_experiment_id = null"
            + " where id = ? and status = 'QUEUED'")
        .params(now(), runId).update() == 1;
  }

  /** Asks the worker running it to stop at its next batch; false when it is not running. */
  boolean requestCancel(long runId) {
    return jdbc.sql("update runs set cancel_requested = true where id = ? and status = 'RUNNING'").param(runId)
        .update() == 1;
  }

  private static String where(Filter f, List<Object> params) {
    StringBuilder w = new StringBuilder(" where 1 = 1");
    if (f.experimentId() != null) {
      w.append(" and experiment_id = ?");
      params.add(f.experimentId());
    }
    if (f.status() != null) {
      w.append(" and status = ?");
      params.add(f.status().toUpperCase(Locale.ROOT));
    }
    if (f.modelType() != null) {
      w.append(" and model_type = ?");
      params.add(f.modelType());
    }
    if (f.experts() != null) {
      w.append(" and num_experts = ?");
      params.add(f.experts());
    }
    return w.toString();
  }

  private List<RunSummary> summaries(List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    List<Long> ids = rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList();
    Map<Long, List<StageView>> stages = new LinkedHashMap<>();
    jdbc.sql("select * from run_stages where run_id in (:ids) order by run_id, ordinal").param("ids", ids)
        .query((rs, i) -> Map.entry(rs.getLong("run_id"), stage(rs))).list()
        .forEach(e -> stages.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return rows.stream().map(r -> summary(r, stages.getOrDefault(((Number) r.get("id")).longValue(), List.of())))
        .toList();
  }

  private static RunSummary summary(Map<String, Object> r, List<StageView> stages) {
    String current = null;
    double done = 0;
    Double eta = null;
    for (StageView s : stages) {
      StageStatus st = StageStatus.valueOf(s.status());
      if (st.done()) {
        done += 1;
      } else if (current == null) {
        current = s.stage();
        if (st == StageStatus.RUNNING) {
          done += s.progress() == null ? 0 : Math.min(1, Math.max(0, s.progress()));
          eta = s.etaSeconds();
        }
      }
    }
    double progress = stages.isEmpty() ? 0 : done / stages.size();
    return new RunSummary(((Number) r.get("id")).longValue(), (Long) r.get("experiment_id"), (String) r.get("name"),
        (String) r.get("status"), (String) r.get("model_type"), (Integer) r.get("num_experts"), (Long) r.get("seed"),
        (String) r.get("worker_id"), (String) r.get("device"), ((Number) r.get("attempts")).intValue(),
        (Boolean) r.get("cancel_requested"), (String) r.get("failure_reason"), current, progress, eta,
        (Long) r.get("parameters"), (Double) r.get("flops_per_second"), (OffsetDateTime) r.get("created_at"),
        (OffsetDateTime) r.get("started_at"), (OffsetDateTime) r.get("finished_at"));
  }

  /** The columns of a runs row with portable types (H2 and PostgreSQL return different classes for the same SQL type). */
  private static Map<String, Object> columns(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong("id"));
    m.put("experiment_id", rs.getObject("experiment_id", Long.class));
    for (String c : new String[] {"name", "status", "model_type", "worker_id", "device", "failure_reason", "recipe",
        "train_data", "dev_data", "test_data", "data_fingerprints", "versions"}) {
      m.put(c, rs.getString(c));
    }
    m.put("num_experts", rs.getObject("num_experts", Integer.class));
    m.put("seed", rs.getObject("seed", Long.class));
    m.put("parameters", rs.getObject("parameters", Long.class));
    m.put("flops_per_second", rs.getObject("flops_per_second", Double.class));
    m.put("attempts", rs.getInt("attempts"));
    m.put("max_epochs", rs.getInt("max_epochs"));
    m.put("max_steps", rs.getLong("max_steps"));
    m.put("cancel_requested", rs.getBoolean("cancel_requested"));
    for (String c : new String[] {"created_at", "started_at", "finished_at", "lease_expires_at"}) {
      m.put(c, rs.getObject(c, OffsetDateTime.class));
    }
    return m;
  }

  private static StageView stage(ResultSet rs) throws SQLException {
    return new StageView(rs.getString("stage"), rs.getInt("ordinal"), rs.getString("status"),
        rs.getObject("progress", Double.class), rs.getObject("eta_seconds", Double.class), rs.getString("input_hash"),
        rs.getString("output_prefix"), rs.getObject("reused_from_run", Long.class), rs.getString("message"),
        rs.getObject("started_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class),
        rs.getObject("updated_at", OffsetDateTime.class));
  }

  private static ResultRow result(ResultSet rs) throws SQLException {
    return new ResultRow(rs.getString("test_set"), rs.getString("decode_mode"), rs.getDouble("cer"),
        rs.getLong("ref_chars"), rs.getLong("correct"), rs.getLong("substitutions"), rs.getLong("deletions"),
        rs.getLong("insertions"), rs.getInt("utterances"), rs.getObject("rtf", Double.class));
  }

  private static Map<String, String> stringMap(String json) {
    return json == null || json.isBlank() ? Map.of()
        : JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
  }

  private static Map<String, Object> objectMap(String json) {
    return json == null || json.isBlank() ? Map.of()
        : JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
