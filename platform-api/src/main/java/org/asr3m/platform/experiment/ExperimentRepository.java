package org.asr3m.platform.experiment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The experiments table. */
@Repository
public class ExperimentRepository {
  private final JdbcClient jdbc;

  public ExperimentRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A row as stored. */
  public record Row(long id, String name, String description, List<String> tags, String modelType, Integer numExperts,
      String recipe, String trainSet, String devSet, List<String> testSets, boolean archived, OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  /** List filters; null = any. */
  public record Filter(String tag, String modelType, Integer experts, String status, String text, boolean archived) {}

  long insert(String name, String description, List<String> tags, String modelType, Integer numExperts, String recipe,
      String trainSet, String devSet, List<String> testSets) {
    var keys = new GeneratedKeyHolder();
    jdbc.sql("insert into experiments (name, description, tags, model_type, num_experts, recipe, train_set, dev_set,"
            + " test_sets) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(name, description, String.join(",", tags), modelType, numExperts, recipe, trainSet, devSet,
            String.join(",", testSets))
        .update(keys, "id");
    return keys.getKeyAs(Number.class).longValue();
  }

  public Optional<Row> find(long id) {
    return jdbc.sql("select * from experiments where id = ?").param(id).query(ExperimentRepository::row).optional();
  }

  boolean update(long id, List<String> tags, String description) {
    return jdbc.sql("update experiments set tags = coalesce(?, tags), description = coalesce(?, description),"
            + " updated_at = ? where id = ?")
        .params(tags == null ? null : String.join(",", tags), description, now(), id).update() == 1;
  }

  boolean archive(long id, boolean archived) {
    return jdbc.sql("update experiments set archived = ?, updated_at = ? where id = ?").params(archived, now(), id)
        .update() == 1;
  }

  List<Row> list(Filter f, int page, int size) {
    List<Object> params = new ArrayList<>();
    String where = where(f, params);
    params.add(size);
    params.add((long) page * size);
    return jdbc.sql("select e.* from experiments e" + where + " order by e.id desc limit ? offset ?").params(params)
        .query(ExperimentRepository::row).list();
  }

  long count(Filter f) {
    List<Object> params = new ArrayList<>();
    String where = where(f, params);
    return jdbc.sql("select count(*) from experiments e" + where).params(params).query(Long.class).single();
  }

  private static String where(Filter f, List<Object> params) {
    StringBuilder w = new StringBuilder(" where e.archived = ?");
    params.add(f.archived());
    if (f.tag() != null) {
      w.append(" and (',' || coalesce(e.tags, '') || ',') like ?");
      params.add("%," + f.tag().strip() + ",%");
    }
    if (f.modelType() != null) {
      w.append(" and e.model_type = ?");
      params.add(f.modelType());
    }
    if (f.experts() != null) {
      w.append(" and e.num_experts = ?");
      params.add(f.experts());
    }
    if (f.status() != null) {
      String latest = "(select r.status from runs r where r.experiment_id = e.id order by r.id desc limit 1)";
      if (f.status().equalsIgnoreCase("NONE")) {
        w.append(" and not exists (select 1 from runs r where r.experiment_id = e.id)");
      } else {
        w.append(" and ").append(latest).append(" = ?");
        params.add(f.status().toUpperCase(Locale.ROOT));
      }
    }
    if (f.text() != null && !f.text().isBlank()) {
      w.append(" and (lower(e.name) like ? or lower(coalesce(e.description, '')) like ?)");
      String like = "%" + f.text().strip().toLowerCase(Locale.ROOT).replace("%", "\\%").replace("_", "\\_") + "%";
      params.add(like);
      params.add(like);
    }
    return w.toString();
  }

  private static Row row(ResultSet rs, int i) throws SQLException {
    return new Row(rs.getLong("id"), rs.getString("name"), rs.getString("description"), split(rs.getString("tags")),
        rs.getString("model_type"), (Integer) rs.getObject("num_experts", Integer.class), rs.getString("recipe"),
        rs.getString("train_set"), rs.getString("dev_set"), split(rs.getString("test_sets")), rs.getBoolean("archived"),
        rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
  }

  static List<String> split(String csv) {
    return csv == null || csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
