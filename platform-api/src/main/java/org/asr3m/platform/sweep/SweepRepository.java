package org.asr3m.platform.sweep;

import java.sql.ResultSet;
import java.sql.SQLException;
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

/** The sweeps, sweep_firings and sweep_points tables. */
@Repository
class SweepRepository {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;

  SweepRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A sweeps row; JSON columns parsed. */
  record SweepRow(long id, String name, String description, String status, String baseRecipe,
      Map<String, List<Object>> grid, List<SweepRequest.Variant> variants, String trainData, String devData,
      Map<String, String> testData, int maxEpochs, long maxSteps, String schedule, String timeZone,
      OffsetDateTime nextFireAt, int maxConcurrent, SweepRequest.EarlyStopping earlyStopping, OffsetDateTime createdAt) {}

  /** A sweep_points row, with its run's status when launched. */
  record PointRow(long id, long sweepId, OffsetDateTime fireTime, int ordinal, String label, String variant,
      Map<String, Object> overrides, String recipe, String modelType, Integer numExperts, Long runId,
      OffsetDateTime launchedAt, String stoppedReason, OffsetDateTime stoppedAt, String runStatus, String runName) {}

  long insert(SweepRequest r, String train, String dev, Map<String, String> test, OffsetDateTime nextFireAt) {
    var keys = new GeneratedKeyHolder();
    jdbc.sql("insert into sweeps (name, description, status, base_recipe, grid, variants, train_data, dev_data, test_data,"
            + " max_epochs, max_steps, schedule, time_zone, next_fire_at, max_concurrent, early_stopping)"
            + " values (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(r.name().strip(), r.description(), blankToNull(r.recipe()), r.grid() == null ? null : JSON.writeValueAsString(r.grid()),
            r.variants() == null ? null : JSON.writeValueAsString(r.variants()), train, dev, JSON.writeValueAsString(test),
            r.maxEpochs() == null ? 0 : r.maxEpochs(), r.maxSteps() == null ? 0L : r.maxSteps(), blankToNull(r.schedule()),
            r.timeZone() == null || r.timeZone().isBlank() ? "UTC" : r.timeZone(), nextFireAt,
            r.maxConcurrent() == null ? 0 : r.maxConcurrent(),
            r.earlyStopping() == null ? null : JSON.writeValueAsString(r.earlyStopping()))
        .update(keys, "id");
    return keys.getKeyAs(Number.class).longValue();
  }

  Optional<SweepRow> find(long id) {
    return jdbc.sql("select * from sweeps where id = ?").param(id).query(this::sweep).optional();
  }

  boolean nameTaken(String name) {
    return jdbc.sql("select count(*) from sweeps where name = ?").param(name.strip()).query(Long.class).single() > 0;
  }

  List<SweepRow> list() {
    return jdbc.sql("select * from sweeps order by id").query(this::sweep).list();
  }

  /** Sweeps whose planned points may need launching or whose runs may need judging. */
  List<Long> withWork() {
    return jdbc.sql("select distinct s.id from sweeps s join sweep_points p on p.sweep_id = s.id left join runs r"
            + " on r.id = p.run_id where p.run_id is null or r.status in ('QUEUED', 'RUNNING') order by s.id")
        .query(Long.class).list();
  }

  /** Active scheduled sweeps whose next firing is due at {@code now}. */
  List<Long> due(OffsetDateTime now) {
    return jdbc.sql("select id from sweeps where status = 'ACTIVE' and schedule is not null and next_fire_at <= ?"
        + " order by id").param(now).query(Long.class).list();
  }

  /** Locks the sweep row until the transaction ends: one reconciler per sweep at a time, across instances. */
  Optional<SweepRow> lock(long id) {
    return jdbc.sql("select * from sweeps where id = ? for update").param(id).query(this::sweep).optional();
  }

  void status(long id, String status, OffsetDateTime nextFireAt) {
    jdbc.sql("update sweeps set status = ?, next_fire_at = ? where id = ?").params(status, nextFireAt, id).update();
  }

  void nextFireAt(long id, OffsetDateTime next) {
    jdbc.sql("update sweeps set next_fire_at = ? where id = ?").params(next, id).update();
  }

  void delete(long id) {
    jdbc.sql("delete from sweeps where id = ?").param(id).update();
  }

  /** Records a firing; a second insert of the same (sweep, time) fails with a duplicate key. */
  void insertFiring(long sweepId, OffsetDateTime fireTime, int points) {
    jdbc.sql("insert into sweep_firings (sweep_id, fire_time, points) values (?, ?, ?)").params(sweepId, fireTime, points)
        .update();
  }

  record Firing(OffsetDateTime fireTime, int points, OffsetDateTime createdAt) {}

  List<Firing> firings(long sweepId) {
    return jdbc.sql("select * from sweep_firings where sweep_id = ? order by fire_time").param(sweepId)
        .query((rs, i) -> new Firing(rs.getObject("fire_time", OffsetDateTime.class), rs.getInt("points"),
            rs.getObject("created_at", OffsetDateTime.class))).list();
  }

  void insertPoint(long sweepId, OffsetDateTime fireTime, SweepPlanner.PlannedPoint p) {
    jdbc.sql("insert into sweep_points (sweep_id, fire_time, ordinal, label, variant, overrides, recipe, model_type,"
            + " num_experts) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(sweepId, fireTime, p.ordinal(), p.label(), p.variant(), JSON.writeValueAsString(p.overrides()), p.recipe(),
            p.modelType(), p.numExperts())
        .update();
  }

  List<PointRow> points(long sweepId) {
    return jdbc.sql("select p.*, r.status as run_status, r.name as run_name from sweep_points p left join runs r"
        + " on r.id = p.run_id where p.sweep_id = ? order by p.fire_time, p.ordinal").param(sweepId).query(this::point).list();
  }

  /** Planned points not launched yet, oldest firing first. */
  List<PointRow> planned(long sweepId, int limit) {
    return jdbc.sql("select p.*, null as run_status, null as run_name from sweep_points p where p.sweep_id = ?"
        + " and p.run_id is null order by p.fire_time, p.ordinal limit ?").params(sweepId, limit).query(this::point).list();
  }

  /** The sweep's runs that are queued or running (the concurrency cap counts these). */
  int active(long sweepId) {
    return jdbc.sql("select count(*) from sweep_points p join runs r on r.id = p.run_id where p.sweep_id = ?"
        + " and r.status in ('QUEUED', 'RUNNING')").param(sweepId).query(Integer.class).single();
  }

  void launched(long pointId, long runId, OffsetDateTime at) {
    jdbc.sql("update sweep_points set run_id = ?, launched_at = ? where id = ? and run_id is null").params(runId, at, pointId)
        .update();
  }

  /** Marks a point's run as stopped by the early-stopping rule; false when it already was. */
  boolean stopped(long pointId, String reason, OffsetDateTime at) {
    return jdbc.sql("update sweep_points set stopped_reason = ?, stopped_at = ? where id = ? and stopped_at is null")
        .params(reason, at, pointId).update() == 1;
  }

  /** Sweep ids whose points include {@code runId}. */
  List<Long> sweepsOfRun(long runId) {
    return jdbc.sql("select distinct sweep_id from sweep_points where run_id = ?").param(runId).query(Long.class).list();
  }

  private SweepRow sweep(ResultSet rs, int i) throws SQLException {
    String es = rs.getString("early_stopping");
    String grid = rs.getString("grid");
    String variants = rs.getString("variants");
    return new SweepRow(rs.getLong("id"), rs.getString("name"), rs.getString("description"), rs.getString("status"),
        rs.getString("base_recipe"),
        grid == null ? null : JSON.readValue(grid, new TypeReference<LinkedHashMap<String, List<Object>>>() {}),
        variants == null ? null : JSON.readValue(variants, new TypeReference<List<SweepRequest.Variant>>() {}),
        rs.getString("train_data"), rs.getString("dev_data"),
        JSON.readValue(rs.getString("test_data"), new TypeReference<LinkedHashMap<String, String>>() {}),
        rs.getInt("max_epochs"), rs.getLong("max_steps"), rs.getString("schedule"), rs.getString("time_zone"),
        rs.getObject("next_fire_at", OffsetDateTime.class), rs.getInt("max_concurrent"),
        es == null ? null : JSON.readValue(es, SweepRequest.EarlyStopping.class),
        rs.getObject("created_at", OffsetDateTime.class));
  }

  private PointRow point(ResultSet rs, int i) throws SQLException {
    String o = rs.getString("overrides");
    return new PointRow(rs.getLong("id"), rs.getLong("sweep_id"), rs.getObject("fire_time", OffsetDateTime.class),
        rs.getInt("ordinal"), rs.getString("label"), rs.getString("variant"),
        o == null ? Map.of() : JSON.readValue(o, new TypeReference<LinkedHashMap<String, Object>>() {}),
        rs.getString("recipe"), rs.getString("model_type"), (Integer) rs.getObject("num_experts", Integer.class),
        (Long) rs.getObject("run_id", Long.class), rs.getObject("launched_at", OffsetDateTime.class),
        rs.getString("stopped_reason"), rs.getObject("stopped_at", OffsetDateTime.class), rs.getString("run_status"),
        rs.getString("run_name"));
  }

  static OffsetDateTime utc(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
