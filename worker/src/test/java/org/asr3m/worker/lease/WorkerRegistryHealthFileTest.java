package org.asr3m.worker.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.worker.WorkerProperties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The health file compose.yaml's worker health check reads: it moves only when a heartbeat reached the database. */
class WorkerRegistryHealthFileTest {
  private static PostgresTestDatabase db;
  private static JdbcClient jdbc;

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    db = PostgresTestDatabase.create("healthfile");
    Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations("classpath:db/migration").load()
        .migrate();
    jdbc = JdbcClient.create(new DriverManagerDataSource(db.url(), db.user(), db.password()));
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  private static WorkerRegistry registry(String id, String healthFile) {
    // bound like the application binds it, whatever fields the record has
    WorkerProperties props = new Binder(new MapConfigurationPropertySource(Map.of("asr3m.worker.id", id)))
        .bindOrCreate("asr3m.worker", WorkerProperties.class);
    return new WorkerRegistry(jdbc, props, healthFile);
  }

  @Test
  void heartbeatsThatReachTheDatabaseRenewTheFile() throws Exception {
    Path file = dir.resolve("state/alive");
    WorkerRegistry registry = registry("hf-1", file.toString());

    registry.register("cpu");
    assertThat(file).exists();
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Files.setLastModifiedTime(file, old);

    registry.heartbeat(null);
    assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(Instant.now().minusSeconds(60));
    assertThat(jdbc.sql("select status from workers where id = 'hf-1'").query(String.class).single()).isEqualTo("IDLE");

    // a heartbeat the database refuses leaves the file stale: the health check then reports the worker unhealthy
    Files.setLastModifiedTime(file, old);
    jdbc.sql("alter table workers rename to workers_away").update();
    try {
      assertThatThrownBy(() -> registry.heartbeat(null)).isInstanceOf(RuntimeException.class);
    } finally {
      jdbc.sql("alter table workers_away rename to workers").update();
    }
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void noFileUnlessConfigured() throws Exception {
    WorkerRegistry registry = registry("hf-2", "");
    registry.register("cpu");
    registry.heartbeat(null);
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    assertThat(jdbc.sql("select count(*) from workers where id = 'hf-2'").query(Integer.class).single()).isEqualTo(1);
  }
}
