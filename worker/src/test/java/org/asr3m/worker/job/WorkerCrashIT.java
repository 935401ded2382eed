package org.asr3m.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.worker.TinyCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety with real processes: the packaged worker.jar serving against the real PostgreSQL
 * service is killed with SIGKILL while the train stage runs; a second worker process (its own work
 * directory, as if on another machine) takes the run over when the lease expires, restarts the same
 * Spring Batch job instance, resumes training from the last stored checkpoint and finishes with a
 * final model bit-identical to that of an uninterrupted run with the same seed. The same with a
 * graceful stop (SIGTERM): the worker writes a checkpoint at the next step, hands the run back and
 * exits, and the next worker resumes from that checkpoint to the same final model.
 */
class WorkerCrashIT {
  private static PostgresTestDatabase db;
  private static Path tmp;
  private static Path data;
  private static final Path JAR = TinyCorpus.repoRoot().resolve("worker/target/worker.jar");

  @BeforeAll
  static void setUp() throws Exception {
    db = PostgresTestDatabase.create("crash");
    tmp = Files.createTempDirectory("asr3m-crash-it");
    data = TinyCorpus.create(tmp.resolve("data"), 40, 8, 8);
    // the schema the workers will find (they migrate too; this lets the test insert runs first)
    org.flywaydb.core.Flyway.configure().dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration").load().migrate();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private Process worker(String name, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx2g",
        "-Dai.djl.offline=true", "-jar", JAR.toString(), "serve", "--max-runs", "1",
        "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
        "--spring.datasource.password=" + db.password(), "--asr3m.artifacts.type=local",
        "--asr3m.artifacts.local.root=" + tmp.resolve("artifacts"),
        "--asr3m.worker.work-dir=" + tmp.resolve("work-" + name), "--asr3m.worker.id=" + name,
        "--asr3m.worker.lease=4s", "--asr3m.worker.poll-interval=500ms"));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
  }

  private long submit(Connection c, String name) throws Exception {
    String recipe = Files.readString(TinyCorpus.recipe("tiny-3m.yaml")).replace("max_epoch: 2", "max_epoch: 3");
    try (PreparedStatement ps = c.prepareStatement("insert into runs (name, status, recipe, model_type, train_data,"
        + " dev_data, test_data) values (?, 'QUEUED', ?, '3m', ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, name);
      ps.setString(2, recipe);
      ps.setString(3, data.resolve("train").toString());
      ps.setString(4, data.resolve("dev").toString());
      ps.setString(5, "{\"test\": \"" + data.resolve("test") + "\"}");
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        long id = rs.getLong(1);
        int i = 0;
        for (String s : List.of("featurePrep", "embeddingPretrain", "baseTrain", "train", "evaluate")) {
          try (Statement st = c.createStatement()) {
            st.execute("insert into run_stages (run_id, stage, ordinal, status) values (" + id + ", '" + s + "', " + i++
                + ", 'PENDING')");
          }
        }
        return id;
      }
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void await(Process p, int seconds, Path log) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("worker did not finish in " + seconds + " s:\n" + Files.readString(log));
    }
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
  }

  /** The uninterrupted reference run, executed once for both tests. */
  private synchronized long reference(Connection c) throws Exception {
    if (referenceRun == null) {
      long reference = submit(c, "reference");
      await(worker("a"), 600, tmp.resolve("a.log"));
      assertThat(single(c, "select status from runs where id = " + reference)).isEqualTo("COMPLETED");
      referenceRun = reference;
    }
    return referenceRun;
  }

  private static Long referenceRun;

  @Test
  void sigtermDuringTrainingCheckpointsHandsTheRunBackAndAnotherWorkerFinishesIt() throws Exception {
    assertThat(JAR).exists();
    try (Connection c = db.connect()) {
      long reference = reference(c);
      long run = submit(c, "stopped");
      Process d = worker("d");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
      while (single(c, "select object_key from artifacts where run_id = " + run
          + " and object_key like 'runs/" + run + "/train/step_%/trainer.json'") == null) {
        assertThat(d.isAlive()).as("worker d ended before a train checkpoint: " + Files.readString(tmp.resolve("d.log")))
            .isTrue();
        assertThat(System.nanoTime()).as("no train checkpoint within 600 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      d.destroy(); // SIGTERM
      assertThat(d.waitFor(300, TimeUnit.SECONDS)).as("worker d did not stop after SIGTERM").isTrue();
      // the run went back to the queue with its stage pending, after a checkpoint at the next step
      assertThat(single(c, "select status from runs where id = " + run)).isEqualTo("QUEUED");
      assertThat(single(c, "select worker_id from runs where id = " + run)).isNull();
      assertThat(single(c, "select status from run_stages where run_id = " + run + " and stage = 'train'"))
          .isEqualTo("PENDING");
      assertThat(single(c, "select status from workers where id = 'd'")).isEqualTo("STOPPED");
      String firstLog = Files.readString(tmp.resolve("artifacts/runs/" + run + "/logs/train.log"));
      assertThat(firstLog).contains("for the worker's shutdown; checkpoint step_");
      String step = firstLog.replaceAll("(?s).*for the worker's shutdown; checkpoint (step_\\d+).*", "$1");
      assertThat(single(c, "select object_key from artifacts where object_key = 'runs/" + run + "/train/" + step
          + "/trainer.json'")).isNotNull();

      // another worker resumes from exactly that checkpoint and ends where the uninterrupted run ended
      await(worker("e"), 600, tmp.resolve("e.log"));
      assertThat(single(c, "select status from runs where id = " + run)).isEqualTo("COMPLETED");
      String log = Files.readString(tmp.resolve("artifacts/runs/" + run + "/logs/train.log"));
      assertThat(log).contains("resuming from runs/" + run + "/train/" + step);
      assertThat(single(c, "select sha256 from artifacts where object_key = 'runs/" + run + "/train/final/model.npz'"))
          .isNotNull().isEqualTo(single(c, "select sha256 from artifacts where object_key = 'runs/" + reference
              + "/train/final/model.npz'"));
    }
  }

  @Test
  void sigkillDuringTrainingThenAnotherWorkerResumesToTheSameResult() throws Exception {
    assertThat(JAR).as("worker.jar is built in the package phase, before this integration test").exists();
    try (Connection c = db.connect()) {
      long reference = reference(c);

      // the same run again, killed during the train stage once a step checkpoint of it is stored
      long victim = submit(c, "victim");
      Process b = worker("b");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
      while (single(c, "select object_key from artifacts where run_id = " + victim
          + " and object_key like 'runs/" + victim + "/train/step_%/trainer.json'") == null) {
        assertThat(b.isAlive()).as("worker b ended before a train checkpoint: " + Files.readString(tmp.resolve("b.log")))
            .isTrue();
        assertThat(System.nanoTime()).as("no train checkpoint within 600 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(b.pid())}).waitFor();
      b.waitFor(30, TimeUnit.SECONDS);
      assertThat(b.exitValue()).isEqualTo(137);
      assertThat(single(c, "select status from runs where id = " + victim)).isEqualTo("RUNNING");
      assertThat(single(c, "select status from run_stages where run_id = " + victim + " and stage = 'train'"))
          .isEqualTo("RUNNING");

      // another worker takes over after the lease expires and finishes the run
      await(worker("c"), 600, tmp.resolve("c.log"));
      assertThat(single(c, "select status from runs where id = " + victim)).isEqualTo("COMPLETED");
      assertThat(single(c, "select attempts from runs where id = " + victim)).isEqualTo("2");
      String trainLog = Files.readString(tmp.resolve("artifacts/runs/" + victim + "/logs/train.log"));
      assertThat(trainLog).contains("resuming from runs/" + victim + "/train/step_");
      // one job instance, two executions: the second restarted it
      assertThat(single(c, "select count(*) from batch_job_execution e join batch_job_execution_params p on"
          + " p.job_execution_id = e.job_execution_id where p.parameter_name = 'runId' and p.parameter_value = '" + victim
          + "'")).isEqualTo("2");

      // the same final model and the same CER as the uninterrupted run
      String ref = single(c, "select sha256 from artifacts where object_key = 'runs/" + reference
          + "/train/final/model.npz'");
      String got = single(c, "select sha256 from artifacts where object_key = 'runs/" + victim
          + "/train/final/model.npz'");
      assertThat(got).isNotNull().isEqualTo(ref);
      assertThat(single(c, "select string_agg(test_set || decode_mode || cer, ',' order by decode_mode) from results"
          + " where run_id = " + victim)).isEqualTo(single(c, "select string_agg(test_set || decode_mode || cer, ','"
          + " order by decode_mode) from results where run_id = " + reference));
    }
  }
}
