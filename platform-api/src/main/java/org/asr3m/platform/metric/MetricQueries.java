package org.asr3m.platform.metric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads of the metrics table (the worker writes it). */
@Repository
public class MetricQueries {
  private final JdbcClient jdbc;

  public MetricQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One metrics row. */
  public record Row(long id, String stage, String name, long step, Integer epoch, double value) {}

  /**
   * Rows of run {@code runId} with id above {@code after}, in id order, at most {@code limit}.
   *
   * @param names exact names, or prefixes ending in {@code *} ({@code expert_share/*}); empty = all
   * @param stage null = every stage
   */
  public List<Row> rows(long runId, List<String> names, String stage, long after, int limit) {
    StringBuilder sql = new StringBuilder("select id, stage, name, step, epoch, metric_value from metrics"
        + " where run_id = :run and id > :after");
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("run", runId);
    params.put("after", after);
    if (stage != null) {
      sql.append(" and stage = :stage");
      params.put("stage", stage);
    }
    if (!names.isEmpty()) {
      List<String> exact = new ArrayList<>();
      List<String> clauses = new ArrayList<>();
      for (String n : names) {
        if (n.endsWith("*")) {
          String p = "p" + clauses.size();
          clauses.add("name like :" + p);
          params.put(p, n.substring(0, n.length() - 1).replace("%", "\\%").replace("_", "\\_") + "%");
        } else {
          exact.add(n);
        }
      }
      if (!exact.isEmpty()) {
        clauses.add("name in (:names)");
        params.put("names", exact);
      }
      sql.append(" and (").append(String.join(" or ", clauses)).append(")");
    }
    sql.append(" order by id limit :limit");
    params.put("limit", limit);
    return jdbc.sql(sql.toString()).params(params).query((rs, i) -> new Row(rs.getLong(1), rs.getString(2),
        rs.getString(3), rs.getLong(4), rs.getObject(5, Integer.class), rs.getDouble(6))).list();
  }

  public List<MetricSeries.Name> names(long runId) {
    return jdbc.sql("select stage, name, count(*), max(step) from metrics where run_id = ? group by stage, name"
            + " order by stage, name").param(runId)
        .query((rs, i) -> new MetricSeries.Name(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))).list();
  }
}
