package org.asr3m.platform.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Sweeps over real HTTP on the real PostgreSQL service, the worker off (runs stay queued unless a
 * test moves them on): planning (grid, variants), validation, access control, the concurrency cap
 * under concurrent reconcilers, cron firings driven by a test clock (exactly once per time, also
 * when ticks and firings race), early stopping on synthetic dev-loss curves, deletion, and the
 * CER-vs-experts series.
 */
@Import(SweepApiTest.Clocks.class)
@TestPropertySource(properties = "asr3m.sweeps.tick=200ms")
class SweepApiTest extends ApiTestBase {
  static final Instant START = Instant.parse("2026-01-01T10:01:00Z");

  @TestConfiguration
  static class Clocks {
    @Bean
    @Primary
    MutableClock testClock() {
      return new MutableClock(START);
    }
  }

  @Autowired MutableClock clock;
  @Autowired SweepTicker ticker;
  @Autowired SweepFiring firing;
  @Autowired SweepLauncher launcher;
  @Autowired RunRepository runs;
  @Autowired JdbcClient jdbc;

  private static String recipe(String name) throws Exception {
    return Files.readString(name.startsWith("tiny-") ? TinyCorpus.recipe(name)
        : TinyCorpus.repoRoot().resolve("recipes/tiny-cmn").resolve(name));
  }

  private Map<String, Object> sweep(String name) throws Exception {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("recipe", recipe("tiny-3m.yaml"));
    s.put("train", "/data/train");
    s.put("dev", "/data/dev");
    s.put("test", Map.of("test", "/data/test"));
    return s;
  }

  private JsonNode create(Map<String, Object> body) throws Exception {
    var r = postJson("/api/sweeps", writerToken(), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).hasValue("/api/sweeps/" + json(r).get("id").asLong());
    return json(r);
  }

  private JsonNode detail(long id) throws Exception {
    var r = get("/api/sweeps/" + id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private List<Long> runIds(long sweep) {
    return jdbc.sql("select run_id from sweep_points where sweep_id = ? and run_id is not null order by ordinal")
        .param(sweep).query(Long.class).list();
  }

  private int active(long sweep) {
    return jdbc.sql("select count(*) from sweep_points p join runs r on r.id = p.run_id where p.sweep_id = ?"
        + " and r.status in ('QUEUED', 'RUNNING')").param(sweep).query(Integer.class).single();
  }

  /** Runs {@code task} on {@code n} threads released together; returns the results. */
  private static <T> List<T> race(int n, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aGridIsTheCartesianProductAndTheConcurrencyCapHoldsUnderConcurrentReconcilers() throws Exception {
    jdbc.sql("insert into datasets (name, location) values ('grid-train', '/srv/corpus/train')").update();
    Map<String, Object> body = sweep("grid");
    body.put("train", "grid-train"); // a registered data set's name
    Map<String, Object> grid = new LinkedHashMap<>();
    grid.put("moe_conf.num_experts", List.of(2, 4));
    grid.put("optim_conf.lr", List.of(0.001, 0.002));
    body.put("grid", grid);
    body.put("maxConcurrent", 2);
    JsonNode s = create(body);
    long id = s.get("id").asLong();
    assertThat(s.get("points").valueStream().map(p -> p.get("label").asString()).toList()).containsExactly(
        "moe_conf.num_experts=2 optim_conf.lr=0.001", "moe_conf.num_experts=2 optim_conf.lr=0.002",
        "moe_conf.num_experts=4 optim_conf.lr=0.001", "moe_conf.num_experts=4 optim_conf.lr=0.002");
    assertThat(s.get("counts").get("QUEUED").asInt()).isEqualTo(2);
    assertThat(s.get("counts").get("PLANNED").asInt()).isEqualTo(2);
    assertThat(s.get("firings")).hasSize(1);

    // the launched runs carry the point's recipe, model size fields and the resolved data location
    long first = s.get("points").get(0).get("run").asLong();
    var run = runs.get(first);
    assertThat(run.name()).isEqualTo("grid/moe_conf.num_experts=2 optim_conf.lr=0.001");
    assertThat(run.trainData()).isEqualTo("/srv/corpus/train");
    assertThat(run.testData()).containsEntry("test", "/data/test");
    assertThat(run.recipe()).contains("num_experts: 2").contains("lr: 0.001");
    assertThat(jdbc.sql("select num_experts from runs where id = ?").param(first).query(Integer.class).single()).isEqualTo(2);
    long fourth = s.get("points").get(3).get("overrides").get("moe_conf.num_experts").asLong();
    assertThat(fourth).isEqualTo(4);

    // eight reconcilers at once: nothing to launch while both slots are taken
    race(8, () -> launcher.reconcile(id));
    assertThat(runIds(id)).hasSize(2);
    // one run finishes: exactly one more launch, however many reconcilers race for the slot
    runs.finish(first, RunStatus.COMPLETED, null);
    race(8, () -> launcher.reconcile(id));
    assertThat(runIds(id)).hasSize(3);
    assertThat(active(id)).isEqualTo(2);
    for (long r : runIds(id)) {
      runs.finish(r, RunStatus.COMPLETED, null);
    }
    race(8, () -> launcher.reconcile(id));
    assertThat(runIds(id)).hasSize(4).doesNotHaveDuplicates();
    assertThat(jdbc.sql("select count(*) from runs where name like 'grid/%'").query(Long.class).single()).isEqualTo(4);
    assertThat(detail(id).get("counts").get("COMPLETED").asInt()).isEqualTo(3);
  }

  @Test
  void variantsCompareConformerConformerMoeAnd3mInOneSweep() throws Exception {
    Map<String, Object> body = sweep("models");
    body.remove("recipe");
    body.put("variants", List.of(
        Map.of("name", "conformer", "recipe", recipe("conformer.yaml")),
        Map.of("name", "conformer_moe", "recipe", recipe("conformer_moe.yaml")),
        Map.of("name", "3m", "recipe", recipe("3m.yaml")),
        Map.of("name", "3m-16e", "recipe", recipe("3m.yaml"), "set", Map.of("moe_conf.num_experts", 16))));
    JsonNode s = create(body);
    assertThat(s.get("points").valueStream().map(p -> p.get("label").asString() + ":" + p.get("modelType").asString()
        + ":" + p.get("experts").asInt(0)).toList()).containsExactly("conformer:conformer:0",
        "conformer_moe:conformer_moe:4", "3m:3m:4", "3m-16e:3m:16");
    List<Long> ids = runIds(s.get("id").asLong());
    assertThat(ids).hasSize(4);
    assertThat(runs.get(ids.get(3)).recipe()).contains("num_experts: 16");
    assertThat(runs.get(ids.get(0)).name()).isEqualTo("models/conformer");
  }

  @Test
  void invalidSweepsListEveryProblemByField() throws Exception {
    Map<String, Object> body = sweep("bad");
    body.remove("train");
    Map<String, Object> grid = new LinkedHashMap<>();
    grid.put("encoder_conf", List.of(1, 2));
    grid.put("moe_conf.num_experts", List.of());
    body.put("grid", grid);
    body.put("schedule", "every tuesday");
    body.put("maxConcurrent", -1);
    var r = postJson("/api/sweeps", writerToken(), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    List<String> fields = json(r).get("errors").valueStream().map(e -> e.get("field").asString()).toList();
    assertThat(fields).contains("train", "grid.moe_conf.num_experts", "schedule", "maxConcurrent");

    // a section cannot be varied as a value; an out-of-range value names the point and the recipe field
    Map<String, Object> b2 = sweep("bad2");
    Map<String, Object> g2 = new LinkedHashMap<>();
    g2.put("moe_conf.num_experts", List.of(0, 4));
    b2.put("grid", g2);
    var r2 = postJson("/api/sweeps", writerToken(), b2);
    assertThat(r2.statusCode()).as(r2.body()).isEqualTo(400);
    JsonNode e2 = json(r2).get("errors").get(0);
    assertThat(e2.get("field").asString()).isEqualTo("points[0] (moe_conf.num_experts=0)");
    assertThat(e2.get("message").asString()).contains("moe_conf.num_experts");
    assertThat(json(r2).get("errors")).hasSize(1);

    Map<String, Object> b3 = sweep("bad3");
    b3.put("grid", Map.of("encoder_conf", List.of(1)));
    var r3 = postJson("/api/sweeps", writerToken(), b3);
    assertThat(r3.statusCode()).isEqualTo(400);
    assertThat(json(r3).get("errors").get(0).get("message").asString()).contains("section");

    Map<String, Object> b4 = sweep("bad4");
    b4.put("recipe", "model: 3m\nencoder_conf: {output_size: 32\n");
    var r4 = postJson("/api/sweeps", writerToken(), b4);
    assertThat(r4.statusCode()).isEqualTo(400);
    assertThat(json(r4).get("errors").get(0).get("field").asString()).isEqualTo("recipe");
    assertThat(json(r4).get("errors").get(0).get("message").asString()).contains("invalid YAML");

    // a misspelt setting is rejected, not ignored
    Map<String, Object> b5 = sweep("bad5");
    b5.put("maxConcurent", 2);
    var r5 = postJson("/api/sweeps", writerToken(), b5);
    assertThat(r5.statusCode()).isEqualTo(400);
    assertThat(json(r5).get("errors").get(0).get("field").asString()).isEqualTo("maxConcurent");
    b5.remove("maxConcurent");
    b5.put("maxConcurrent", "many");
    var r6 = postJson("/api/sweeps", writerToken(), b5);
    assertThat(r6.statusCode()).isEqualTo(400);
    assertThat(json(r6).get("detail").asString()).contains("maxConcurrent");
    assertThat(postJson("/api/sweeps", writerToken(), "{\"name\": ").statusCode()).isEqualTo(400);

    // nothing was stored
    assertThat(jdbc.sql("select count(*) from sweeps where name like 'bad%'").query(Long.class).single()).isZero();
    // a duplicate name is a conflict
    create(sweep("twice"));
    assertThat(postJson("/api/sweeps", writerToken(), sweep("twice")).statusCode()).isEqualTo(409);
  }

  @Test
  void writesNeedATokenAndUnknownSweepsAre404Problems() throws Exception {
    var anon = postJson("/api/sweeps", null, sweep("anon"));
    assertThat(anon.statusCode()).isEqualTo(401);
    assertThat(anon.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    long id = create(sweep("guarded")).get("id").asLong();
    for (String p : List.of("/api/sweeps/" + id + "/pause", "/api/sweeps/" + id + "/resume")) {
      assertThat(send("POST", p, null, null, null).statusCode()).as(p).isEqualTo(401);
    }
    assertThat(send("DELETE", "/api/sweeps/" + id, null, null, null).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/api/sweeps/" + id, "asr3m_wrong", null, null).statusCode()).isEqualTo(401);
    assertThat(get("/api/sweeps/" + id).statusCode()).isEqualTo(200);
    for (var r : List.of(get("/api/sweeps/987654"), send("POST", "/api/sweeps/987654/pause", writerToken(), null, null),
        send("DELETE", "/api/sweeps/987654", writerToken(), null, null))) {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(json(r).get("detail").asString()).isEqualTo("sweep 987654 does not exist");
    }
  }

  @Test
  void aCronSweepFiresExactlyOncePerScheduledTime() throws Exception {
    clock.set(START);
    Map<String, Object> body = sweep("nightly");
    body.put("grid", Map.of("moe_conf.num_experts", List.of(2, 4)));
    body.put("schedule", "0 */10 * * * *"); // every ten minutes
    JsonNode s = create(body);
    long id = s.get("id").asLong();
    assertThat(s.get("nextFireAt").asString()).isEqualTo("2026-01-01T10:10:00Z");
    assertThat(s.get("points")).isEmpty();
    ticker.tick();
    assertThat(detail(id).get("firings")).isEmpty();

    // time passes the first firing: Spring's scheduled ticker fires it on its own...
    clock.set(Instant.parse("2026-01-01T10:10:30Z"));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (detail(id).get("firings").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    // ...and ticks racing it (as several API instances would) add nothing
    race(6, () -> {
      ticker.tick();
      return 0;
    });
    JsonNode d = detail(id);
    assertThat(d.get("firings")).hasSize(1);
    assertThat(d.get("firings").get(0).get("fireTime").asString()).isEqualTo("2026-01-01T10:10:00Z");
    assertThat(d.get("points")).hasSize(2);
    assertThat(runIds(id)).hasSize(2);
    assertThat(runs.get(runIds(id).get(0)).name()).isEqualTo("nightly@2026-01-01T10:10:00Z/moe_conf.num_experts=2");
    assertThat(d.get("nextFireAt").asString()).isEqualTo("2026-01-01T10:20:00Z");

    // down for two scheduled times: one firing for the latest, not one per missed time
    clock.set(Instant.parse("2026-01-01T10:35:00Z"));
    race(4, () -> {
      ticker.tick();
      return 0;
    });
    d = detail(id);
    assertThat(d.get("firings").valueStream().map(f -> f.get("fireTime").asString()).toList())
        .containsExactly("2026-01-01T10:10:00Z", "2026-01-01T10:30:00Z");
    assertThat(d.get("points")).hasSize(4);
    assertThat(d.get("nextFireAt").asString()).isEqualTo("2026-01-01T10:40:00Z");

    // paused: no firing; resumed: the schedule goes on from now
    assertThat(send("POST", "/api/sweeps/" + id + "/pause", writerToken(), null, null).statusCode()).isEqualTo(200);
    clock.set(Instant.parse("2026-01-01T10:45:00Z"));
    ticker.tick();
    d = detail(id);
    assertThat(d.get("status").asString()).isEqualTo("PAUSED");
    assertThat(d.get("firings")).hasSize(2);
    var resumed = send("POST", "/api/sweeps/" + id + "/resume", writerToken(), null, null);
    assertThat(json(resumed).get("status").asString()).isEqualTo("ACTIVE");
    assertThat(json(resumed).get("nextFireAt").asString()).isEqualTo("2026-01-01T10:50:00Z");
  }

  @Test
  void twoFiringsOfTheSameTimeRaceAndExactlyOneCreatesThePoints() throws Exception {
    Map<String, Object> body = sweep("race");
    body.put("grid", Map.of("moe_conf.num_experts", List.of(2, 4, 8)));
    body.put("schedule", "0 0 3 * * *");
    body.put("maxConcurrent", 1);
    long id = create(body).get("id").asLong();
    Instant t = Instant.parse("2026-01-02T03:00:00Z");
    List<Boolean> won = race(8, () -> firing.fire(id, t));
    assertThat(won.stream().filter(b -> b).count()).isEqualTo(1);
    assertThat(jdbc.sql("select count(*) from sweep_points where sweep_id = ?").param(id).query(Long.class).single())
        .isEqualTo(3);
    assertThat(jdbc.sql("select count(*) from sweep_firings where sweep_id = ?").param(id).query(Long.class).single())
        .isEqualTo(1);
    race(8, () -> launcher.reconcile(id));
    assertThat(runIds(id)).hasSize(1); // the cap of 1
  }

  @Test
  void theMedianStoppingRuleCancelsTheRunWorseThanTheMedianAndSaysWhy() throws Exception {
    Map<String, Object> body = sweep("stopping");
    body.put("grid", Map.of("moe_conf.num_experts", List.of(2, 4, 8, 16)));
    body.put("earlyStopping", Map.of("minSteps", 10, "minEpochs", 2, "minRuns", 2));
    long id = create(body).get("id").asLong();
    List<Long> ids = runIds(id);
    assertThat(ids).hasSize(4);
    for (long r : ids) {
      jdbc.sql("update runs set status = 'RUNNING' where id = ?").param(r).update();
    }
    long a = ids.get(0);
    long b = ids.get(1);
    long c = ids.get(2);
    long d = ids.get(3);
    String insert = "insert into metrics (run_id, stage, name, step, epoch, metric_value) values"
        + " (?, 'train', 'dev_loss', ?, ?, ?), (?, 'train', 'dev_loss', ?, ?, ?), (?, 'train', 'dev_loss', ?, ?, ?),"
        + " (?, 'train', 'dev_loss', ?, ?, ?)";
    // epoch 0 (step 10): D is already the worst, but one epoch is fewer than minEpochs 2
    jdbc.sql(insert).params(a, 10, 0, 5.0, b, 10, 0, 5.1, c, 10, 0, 5.2, d, 10, 0, 6.0).update();
    // other stages' dev losses do not count
    jdbc.sql("insert into metrics (run_id, stage, name, step, epoch, metric_value) values (?, 'baseTrain', 'dev_loss', 20, 1, 99)")
        .param(a).update();
    launcher.reconcile(id);
    assertThat(detail(id).get("stopped")).isEmpty();
    // epoch 1 (step 20): best values 4.0, 4.1, 4.1, 5.9 → D is worse than the median 4.1 of the others; C equals it
    jdbc.sql(insert).params(a, 20, 1, 4.0, b, 20, 1, 4.1, c, 20, 1, 4.1, d, 20, 1, 5.9).update();
    race(4, () -> launcher.reconcile(id));
    launcher.reconcile(id);
    JsonNode s = detail(id);
    assertThat(s.get("stopped")).hasSize(1);
    JsonNode stop = s.get("stopped").get(0);
    assertThat(stop.get("run").asLong()).isEqualTo(d);
    assertThat(stop.get("label").asString()).isEqualTo("moe_conf.num_experts=16");
    assertThat(stop.get("reason").asString()).contains("median stopping rule").contains("5.9000").contains("4.1000")
        .contains("step 20").contains("3 other run(s)");
    assertThat(s.get("points").get(3).get("stopped").asBoolean()).isTrue();
    assertThat(s.get("points").get(0).get("stopped").asBoolean()).isFalse();
    for (long r : ids) {
      assertThat(runs.get(r).cancelRequested()).as("run " + r).isEqualTo(r == d);
    }
  }

  @Test
  void deletingASweepCancelsItsUnfinishedRunsAndKeepsFinishedOnes() throws Exception {
    Map<String, Object> body = sweep("doomed");
    body.put("grid", Map.of("moe_conf.num_experts", List.of(2, 4, 8)));
    long id = create(body).get("id").asLong();
    List<Long> ids = runIds(id);
    jdbc.sql("update runs set status = 'RUNNING' where id = ?").param(ids.get(1)).update();
    runs.finish(ids.get(2), RunStatus.COMPLETED, null);
    assertThat(send("DELETE", "/api/sweeps/" + id, writerToken(), null, null).statusCode()).isEqualTo(204);
    assertThat(runs.get(ids.get(0)).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(runs.get(ids.get(1)).status()).isEqualTo(RunStatus.RUNNING);
    assertThat(runs.get(ids.get(1)).cancelRequested()).isTrue();
    assertThat(runs.get(ids.get(2)).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(runs.get(ids.get(2)).cancelRequested()).isFalse();
    assertThat(get("/api/sweeps/" + id).statusCode()).isEqualTo(404);
    assertThat(get("/api/sweeps").body()).doesNotContain("\"doomed\"");
  }

  @Test
  void theSweepGivesTheCerVsExpertsSeriesAndItsCompareTable() throws Exception {
    Map<String, Object> body = sweep("pareto");
    body.put("grid", Map.of("moe_conf.num_experts", List.of(8, 2, 4)));
    body.put("test", Map.of("test", "/data/test"));
    long id = create(body).get("id").asLong();
    List<Long> ids = runIds(id);
    double[] cer = {9.0, 11.0, 10.0};
    long[] params = {30_000_000, 10_000_000, 20_000_000};
    for (int i = 0; i < 3; i++) {
      runs.size(ids.get(i), params[i], 1e9 + i);
      runs.saveResult(ids.get(i), new RunRepository.Result("test", "attention_rescoring", cer[i], 100, 90, 5, 5, 0, 4, 0.1));
      runs.finish(ids.get(i), RunStatus.COMPLETED, null);
    }
    JsonNode s = detail(id);
    JsonNode series = s.get("series");
    assertThat(series).hasSize(1);
    assertThat(series.get(0).get("testSet").asString()).isEqualTo("test");
    assertThat(series.get(0).get("mode").asString()).isEqualTo("attention_rescoring");
    JsonNode pts = series.get(0).get("points");
    // ordered by experts for the chart
    assertThat(pts.valueStream().map(p -> p.get("experts").asInt()).toList()).containsExactly(2, 4, 8);
    assertThat(pts.valueStream().map(p -> p.get("cer").asDouble()).toList()).containsExactly(11.0, 10.0, 9.0);
    assertThat(pts.valueStream().map(p -> p.get("parameters").asLong()).toList())
        .containsExactly(10_000_000L, 20_000_000L, 30_000_000L);
    assertThat(pts.get(0).get("run").asLong()).isEqualTo(ids.get(1));
    assertThat(pts.get(0).get("flopsPerSecond").asDouble()).isEqualTo(1e9 + 1);
    assertThat(s.get("counts").get("COMPLETED").asInt()).isEqualTo(3);

    var t = json(get("/api/results/compare?sweep=" + id + "&baseline=" + ids.get(1)));
    assertThat(t.get("rows").valueStream().map(r -> r.get("label").asString()).toList()).containsExactly(
        "moe_conf.num_experts=8", "moe_conf.num_experts=2", "moe_conf.num_experts=4");
    // the recipe declares ctc_greedy_search too: a column without results yet
    assertThat(t.get("columns").valueStream().map(c -> c.get("key").asString()).toList())
        .containsExactly("test/ctc_greedy_search", "test/attention_rescoring");
    assertThat(t.get("rows").get(0).get("cells").get(0).get("cer").isNull()).isTrue();
    assertThat(t.get("rows").get(0).get("cells").get(1).get("best").asBoolean()).isTrue();
    assertThat(t.get("rows").get(0).get("cells").get(1).get("changePct").asDouble()).isCloseTo(-100.0 * 2 / 11,
        org.assertj.core.data.Offset.offset(1e-9));

    var list = json(get("/api/sweeps"));
    JsonNode mine = list.valueStream().filter(x -> x.get("id").asLong() == id).findFirst().orElseThrow();
    assertThat(mine.get("points").asInt()).isEqualTo(3);
    assertThat(mine.get("counts").get("COMPLETED").asInt()).isEqualTo(3);
  }

}
