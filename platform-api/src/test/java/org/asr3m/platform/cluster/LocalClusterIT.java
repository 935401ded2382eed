package org.asr3m.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.asr3m.worker.TinyCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale-out topology as real processes, started by {@code scripts/local-cluster.sh}: the API
 * (no embedded worker), three workers on the local PostgreSQL and RabbitMQ services (featurePrep
 * partitions through RabbitMQ) and a stand-alone S3Proxy. A sweep of six tiny runs; during it the
 * broker restarts, one worker is SIGKILLed while it trains (and started again later), and another
 * gets SIGTERM while it trains. Every run finishes exactly once, the interrupted runs resume on other
 * workers from their checkpoints, no artefact is lost or duplicated, and the sweep's compare table
 * has every cell.
 */
class LocalClusterIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path ROOT = TinyCorpus.repoRoot();
  private static final Path SCRIPT = ROOT.resolve("scripts/local-cluster.sh");
  private static final int RUNS = 6;
  private static Path dir;
  private static Path data;
  private static String db;
  private static String api;
  private static String token;
  private static Map<String, String> env;
  private static Connection sql;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createTempDirectory("asr3m-cluster-it");
    data = TinyCorpus.create(dir.resolve("data"), 24, 4, 4);
    db = "asr3m_cluster_it_" + UUID.randomUUID().toString().substring(0, 8);
    int apiPort = freePort();
    env = new HashMap<>(Map.of("ASR3M_CLUSTER_DIR", dir.resolve("cluster").toString(), "ASR3M_WORKERS", "3",
        "ASR3M_DB", db, "ASR3M_API_PORT", Integer.toString(apiPort), "ASR3M_S3_PORT", Integer.toString(freePort()),
        "ASR3M_LEASE", "5s", "ASR3M_WORKER_XMX", "768m",
        "ASR3M_WORKER_ARGS", "--asr3m.worker.feature-partitions=3 --asr3m.worker.stop-timeout=90s",
        "JAVA", ProcessHandle.current().info().command().orElse("java")));
    script(300, "start");
    api = "http://127.0.0.1:" + apiPort;
    // stdout carries the token alone on its line; the notice that it is shown only once goes to stderr
    token = script(120, "token", "cluster-it").lines().map(String::strip).filter(l -> l.matches("asr3m_\\S+"))
        .findFirst().orElseThrow(() -> new AssertionError("no token printed"));
    sql = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", "");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (sql != null) {
      sql.close();
    }
    if (env != null) {
      script(300, "stop");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("drop database if exists " + db);
      }
    }
  }

  @Test
  void sweepSurvivesABrokerRestartAKilledWorkerAndAStoppedWorker() throws Exception {
    Map<String, Object> sweep = new LinkedHashMap<>();
    sweep.put("name", "cluster");
    sweep.put("recipe", Files.readString(TinyCorpus.recipe("tiny-3m.yaml")));
    sweep.put("train", data.resolve("train").toString());
    sweep.put("dev", data.resolve("dev").toString());
    sweep.put("test", Map.of("test", data.resolve("test").toString()));
    sweep.put("grid", Map.of("seed", List.of(1, 2, 3, 4, 5, 6)));
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/sweeps"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sweep))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    long sweepId = JSON.readTree(created.body()).get("id").asLong();

    // the broker restarts while featurePrep sends its partitions through it
    await(300, "a featurePrep stage running", () -> count("select count(*) from run_stages where stage = 'featurePrep'"
        + " and status = 'RUNNING'") > 0);
    exec(60, "rabbitmqctl", "stop_app");
    Thread.sleep(3000);
    exec(60, "rabbitmqctl", "start_app");

    // a worker dies (SIGKILL) while it trains, after its first train checkpoint is stored
    long killedRun = trainingWithACheckpoint(Set.of());
    String killed = single("select worker_id from runs where id = " + killedRun);
    script(30, "kill-worker", index(killed));
    assertThat(single("select status from runs where id = " + killedRun)).isEqualTo("RUNNING");

    // another gets SIGTERM while it trains: it checkpoints at the next step, hands the run back and exits
    long stoppedRun = trainingWithACheckpoint(Set.of(killedRun));
    String stopped = single("select worker_id from runs where id = " + stoppedRun);
    assertThat(stopped).isNotEqualTo(killed);
    script(180, "stop-worker", index(stopped));
    assertThat(single("select status from runs where id = " + stoppedRun)).isIn("QUEUED", "RUNNING");
    assertThat(single("select status from workers where id = '" + stopped + "'")).isEqualTo("STOPPED");
    // the killed machine comes back: two workers share the rest
    script(30, "start-worker", index(killed));

    await(900, "all six runs completed", () -> count("select count(*) from runs where status = 'COMPLETED'") == RUNS
        || count("select count(*) from runs where status in ('FAILED', 'CANCELLED')") > 0);
    assertThat(rows("select id || ' ' || status || ' ' || coalesce(failure_reason, '') from runs order by id"))
        .as("runs").hasSize(RUNS).allMatch(r -> r.contains(" COMPLETED "));

    // each run finished exactly once: one job instance with exactly one completed execution
    assertThat(rows("select p.parameter_value || ':' || count(*) filter (where e.status = 'COMPLETED') from"
        + " batch_job_execution e join batch_job_execution_params p on p.job_execution_id = e.job_execution_id"
        + " where p.parameter_name = 'runId' group by p.parameter_value")).hasSize(RUNS).allMatch(r -> r.endsWith(":1"));
    // the interrupted runs resumed elsewhere from their checkpoints
    String killedLog = object("runs/" + killedRun + "/logs/train.log");
    // from its newest checkpoint: the step checkpoint seen before the kill, or the epoch's if the epoch
    // ended before the SIGKILL landed (a tiny epoch is a few steps)
    assertThat(killedLog).containsPattern("resuming from runs/" + killedRun + "/train/(step|epoch)_\\d+");
    assertThat(single("select worker_id from runs where id = " + killedRun)).isNotEqualTo(killed);
    assertThat(count("select attempts from runs where id = " + killedRun)).isGreaterThanOrEqualTo(2);
    String stoppedLog = object("runs/" + stoppedRun + "/logs/train.log");
    assertThat(stoppedLog).contains("for the worker's shutdown; checkpoint step_");
    String stopStep = stoppedLog.replaceAll("(?s).*for the worker's shutdown; checkpoint (step_\\d+).*", "$1");
    assertThat(stoppedLog).contains("resuming from runs/" + stoppedRun + "/train/" + stopStep);
    assertThat(single("select worker_id from runs where id = " + stoppedRun)).isNotEqualTo(stopped);

    // no artefact lost or duplicated: one row per object key, each object in the bucket with its size
    assertThat(rows("select object_key from artifacts group by object_key having count(*) > 1")).isEmpty();
    for (String row : rows("select object_key || ' ' || size_bytes from artifacts")) {
      String key = row.substring(0, row.lastIndexOf(' '));
      Path object = dir.resolve("cluster/s3/asr3m").resolve(key);
      assertThat(object).as(key).exists();
      assertThat(Files.size(object)).as(key).isEqualTo(Long.parseLong(row.substring(row.lastIndexOf(' ') + 1)));
    }
    for (String run : rows("select id from runs")) {
      assertThat(count("select count(*) from artifacts where run_id = " + run + " and object_key = 'runs/" + run
          + "/train/final/model.npz'")).as("final model of run " + run).isEqualTo(1);
    }
    // featurePrep's partitions ran through RabbitMQ: every partition of the produced features, executed by workers
    List<String> partitions = rows("select step_name from batch_step_execution where step_name like"
        + " 'featurePrepPartition:%' and status = 'COMPLETED'");
    assertThat(partitions).isNotEmpty();
    String logs = workerLogs();
    for (String p : new TreeSet<>(partitions)) {
      assertThat(logs).as("partition " + p).contains("featurePrep partition " + p);
    }

    // the sweep's compare table: six rows, every cell a CER
    HttpResponse<String> compare = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/results/compare?sweep="
        + sweepId)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(compare.statusCode()).as(compare.body()).isEqualTo(200);
    JsonNode table = JSON.readTree(compare.body());
    assertThat(table.get("columns").size()).isEqualTo(2); // test × {ctc_greedy_search, attention_rescoring}
    assertThat(table.get("rows").size()).isEqualTo(RUNS);
    for (JsonNode row : table.get("rows")) {
      assertThat(row.get("status").asString()).isEqualTo("COMPLETED");
      for (JsonNode cell : row.get("cells")) {
        assertThat(cell.get("cer").isNumber()).as(row.toString()).isTrue();
      }
    }
    assertThat(count("select count(*) from results")).isEqualTo(RUNS * 2L);
  }

  /** Waits for a run (not in {@code except}) whose train stage stored a step checkpoint and is still training. */
  private long trainingWithACheckpoint(Set<Long> except) throws Exception {
    long[] found = {-1};
    await(600, "a run training with a stored train checkpoint", () -> {
      for (String r : rows("select r.id from runs r join run_stages s on s.run_id = r.id where s.stage = 'train'"
          + " and s.status = 'RUNNING' and r.status = 'RUNNING' and exists (select 1 from artifacts a where a.run_id = r.id"
          + " and a.object_key like 'runs/' || r.id || '/train/step_%/trainer.json') order by r.id")) {
        if (!except.contains(Long.parseLong(r))) {
          found[0] = Long.parseLong(r);
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private static String index(String workerId) {
    assertThat(workerId).startsWith("worker-");
    return workerId.substring("worker-".length());
  }

  private static String object(String key) throws IOException {
    return Files.readString(dir.resolve("cluster/s3/asr3m").resolve(key));
  }

  private static String workerLogs() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(dir.resolve("cluster"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.log")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static void await(int seconds, String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + seconds + " s; runs: "
            + rows("select id || ' ' || status || ' ' || coalesce(worker_id, '-') || ' ' || coalesce(failure_reason, '')"
                + " from runs order by id") + "\n" + script(30, "status"));
      }
      Thread.sleep(200);
    }
  }

  private static List<String> rows(String query) {
    try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(query)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(query + ": " + e.getMessage(), e);
    }
  }

  private static String single(String query) {
    List<String> r = rows(query);
    return r.isEmpty() ? null : r.get(0);
  }

  private static long count(String query) {
    return Long.parseLong(single(query));
  }

  private static String script(int seconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    return exec(seconds, cmd.toArray(String[]::new));
  }

  private static String exec(int seconds, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "exec", ".log");
    Process p = pb.redirectOutput(out.toFile()).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not end in " + seconds + " s:\n" + Files.readString(out));
    }
    String text = Files.readString(out);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + text).isZero();
    return text;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
