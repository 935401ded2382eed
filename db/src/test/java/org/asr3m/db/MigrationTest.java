package org.asr3m.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The migrations on the real PostgreSQL service (and on H2 in PostgreSQL mode, the embedded
 * default): an empty database reaches the latest version; a database populated at an older version
 * is upgraded with its rows intact.
 */
class MigrationTest {

  private static Flyway flyway(DataSource ds, String target) {
    var conf = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
    if (target != null) {
      conf.target(MigrationVersion.fromVersion(target));
    }
    return conf.load();
  }

  private static PGSimpleDataSource pg(PostgresTestDatabase db) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(db.url());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    return ds;
  }

  @Test
  void emptyPostgresReachesLatestVersionWithEveryTable() throws Exception {
    try (PostgresTestDatabase db = PostgresTestDatabase.create("migr")) {
      var result = flyway(pg(db), null).migrate();
      assertThat(result.success).isTrue();
      assertThat(result.migrationsExecuted).isGreaterThanOrEqualTo(2);
      try (Connection c = db.connect()) {
        assertThat(tables(c)).contains("batch_job_instance", "batch_job_execution", "batch_step_execution",
            "batch_job_execution_context", "datasets", "experiments", "runs", "run_stages", "stage_outputs",
            "metrics", "results", "artifacts", "workers");
        assertThat(indexes(c)).contains("metrics_run_stage_name_step_ix", "results_test_mode_ix", "runs_status_ix");
      }
      // a second migrate is a no-op
      assertThat(flyway(pg(db), null).migrate().migrationsExecuted).isZero();
    }
  }

  @Test
  void populatedPostgresUpgradesWithRowsIntact() throws Exception {
    try (PostgresTestDatabase db = PostgresTestDatabase.create("migr")) {
      // a database that stopped at V1 with a Spring Batch job in it
      flyway(pg(db), "1").migrate();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("insert into batch_job_instance (job_instance_id, version, job_name, job_key)"
            + " values (7, 0, 'experiment', 'abc')");
        st.execute("insert into batch_job_execution (job_execution_id, version, job_instance_id, create_time, status)"
            + " values (9, 0, 7, current_timestamp, 'FAILED')");
      }
      var result = flyway(pg(db), null).migrate();
      assertThat(result.success).isTrue();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        assertThat(single(st, "select status from batch_job_execution where job_execution_id = 9")).isEqualTo("FAILED");
        // the new tables work with the old rows around them
        st.execute("insert into runs (name, status, recipe, train_data, dev_data, test_data, job_execution_id)"
            + " values ('r', 'QUEUED', 'model: conformer', '/d/train', '/d/dev', '{}', 9)");
        st.execute("insert into metrics (run_id, stage, name, step, metric_value)"
            + " select id, 'train', 'loss', 1, 2.5 from runs");
        assertThat(single(st, "select count(*) from metrics")).isEqualTo("1");
      }
    }
  }

  @Test
  void h2InPostgresModeMigratesTooForTheEmbeddedDefault(@TempDir Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("asr3m") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    var ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(url);
    flyway(ds, "1").migrate();
    var result = flyway(ds, null).migrate();
    assertThat(result.success).isTrue();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("insert into runs (name, status, recipe, train_data, dev_data, test_data) values ('r', 'QUEUED', 'x', 'a', 'b', '{}')");
      assertThat(single(st, "select status from runs")).isEqualTo("QUEUED");
    }
    assertThat(Files.exists(dir.resolve("asr3m.mv.db"))).isTrue();
  }

  private static List<String> tables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        out.add(rs.getString("TABLE_NAME").toLowerCase());
      }
    }
    return out;
  }

  private static List<String> indexes(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select indexname from pg_indexes")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
