package org.asr3m.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.WorkerApplication;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two runs trained at the same time by one worker process, as its two slots (or the demo's
 * {@code --parallel 2}) do: both complete, and their training stages really overlapped. DJL's
 * gradient collector allowed one per JVM, so the second run used to fail at its first step.
 */
@SpringBootTest(classes = WorkerApplication.class)
class ConcurrentRunsTest {
  private static final PostgresTestDatabase db = PostgresTestDatabase.create("concurrent");
  private static final Path tmp = JobTestProperties.tempDir("asr3m-concurrent-test");
  private static Path data;

  @Autowired RunRepository runs;
  @Autowired LeaseManager leases;
  @Autowired RunExecutor executor;
  @Autowired JdbcClient jdbc;
  @Autowired WorkerProperties props;
  @Autowired org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcProperties batchJdbc;

  @BeforeAll
  static void corpus() throws Exception {
    data = TinyCorpus.create(tmp.resolve("data"), 40, 8, 8);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    JobTestProperties.register(registry, db, tmp);
    registry.add("asr3m.worker.slots", () -> "2");
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @Test
  void twoRunsTrainAtOnceInOneProcess() throws Exception {
    // under Spring Batch's default SERIALIZABLE, the two job instances created at the same moment failed
    // now and then with "could not serialize access due to read/write dependencies among transactions"
    assertThat(batchJdbc.getIsolationLevelForCreate())
        .isEqualTo(org.springframework.transaction.annotation.Isolation.READ_COMMITTED);
    String recipe = Files.readString(TinyCorpus.recipe("tiny-3m.yaml"));
    // another seed: every training stage differs, so nothing is reused and both runs train
    long a = submit("a", recipe);
    long b = submit("b", recipe.replace("seed: 777", "seed: 778"));
    CompletableFuture<RunStatus> first = CompletableFuture.supplyAsync(() -> execute(a));
    CompletableFuture<RunStatus> second = CompletableFuture.supplyAsync(() -> execute(b));
    assertThat(first.get(10, TimeUnit.MINUTES)).as(String.valueOf(runs.stages(a))).isEqualTo(RunStatus.COMPLETED);
    assertThat(second.get(10, TimeUnit.MINUTES)).as(String.valueOf(runs.stages(b))).isEqualTo(RunStatus.COMPLETED);

    List<Map<String, Object>> training = jdbc.sql("select run_id, started_at, finished_at from run_stages where"
        + " stage in ('embeddingPretrain', 'baseTrain', 'train') and status = 'COMPLETED' and run_id in (?, ?)")
        .params(a, b).query().listOfRows();
    assertThat(training).hasSize(6);
    OffsetDateTime aStart = bound(training, a, "started_at", true);
    OffsetDateTime aEnd = bound(training, a, "finished_at", false);
    OffsetDateTime bStart = bound(training, b, "started_at", true);
    OffsetDateTime bEnd = bound(training, b, "finished_at", false);
    assertThat(aStart.isBefore(bEnd) && bStart.isBefore(aEnd))
        .as("training of run a %s..%s and run b %s..%s overlap", aStart, aEnd, bStart, bEnd).isTrue();
    assertThat(runs.results(a)).isNotEmpty();
    assertThat(runs.results(b)).isNotEmpty();
  }

  private long submit(String name, String recipe) {
    return runs.insert(new RunRepository.NewRun(name, recipe, "3m", 2, 777L, data.resolve("train").toString(),
        data.resolve("dev").toString(), Map.of("test", data.resolve("test").toString()), 0, 0, null));
  }

  private RunStatus execute(long id) {
    try {
      assertThat(leases.claim(id, props.id(), props.lease())).isTrue();
      return executor.execute(id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static OffsetDateTime bound(List<Map<String, Object>> rows, long run, String column, boolean earliest) {
    return rows.stream().filter(r -> ((Number) r.get("run_id")).longValue() == run)
        .map(r -> toOffset(r.get(column)))
        .reduce((x, y) -> earliest ? (x.isBefore(y) ? x : y) : (x.isAfter(y) ? x : y)).orElseThrow();
  }

  private static OffsetDateTime toOffset(Object value) {
    if (value instanceof OffsetDateTime o) {
      return o;
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant().atOffset(java.time.ZoneOffset.UTC);
    }
    throw new IllegalStateException("unexpected timestamp type " + value.getClass());
  }
}
