package org.asr3m.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.platform.experiment.TestRecipes;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Runs over real HTTP. No worker runs here: the worker's side (claim, finish) is played by the
 * worker's own RunRepository and plain updates, as a worker process would write them.
 */
class RunApiTest extends ApiTestBase {
  @Autowired
  JdbcClient jdbc;

  @Autowired
  RunRepository runRepository;

  @Test
  void launchQueuesARunWithItsStagesRecipeAndData() throws Exception {
    long exp = experiment();
    var r = postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of("maxEpochs", 1, "maxSteps", 5));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode run = json(r);
    assertThat(run.get("status").asString()).isEqualTo("QUEUED");
    assertThat(run.get("experimentId").asLong()).isEqualTo(exp);
    assertThat(run.get("modelType").asString()).isEqualTo("conformer_moe");
    assertThat(run.get("numExperts").asInt()).isEqualTo(4);
    assertThat(run.get("seed").asLong()).isEqualTo(7);
    assertThat(run.get("maxEpochs").asInt()).isEqualTo(1);
    assertThat(run.get("maxSteps").asLong()).isEqualTo(5);
    assertThat(run.get("recipe").asString()).contains("num_experts: 4");
    assertThat(run.get("trainData").asString()).endsWith("recipes/tiny-cmn/data/train");
    assertThat(run.get("testData").get("tiny-cmn/test").asString()).endsWith("recipes/tiny-cmn/data/test");
    List<String> stages = new ArrayList<>();
    run.get("stages").forEach(s -> stages.add(s.get("stage").asString() + ":" + s.get("status").asString()));
    assertThat(stages).containsExactly("featurePrep:PENDING", "embeddingPretrain:PENDING", "baseTrain:PENDING",
        "train:PENDING", "evaluate:PENDING");
    assertThat(run.get("currentStage").asString()).isEqualTo("featurePrep");
    assertThat(run.get("progress").asDouble()).isZero();
    assertThat(run.get("results").size()).isZero();
    long id = run.get("id").asLong();
    assertThat(json(get("/api/runs/" + id)).get("id").asLong()).isEqualTo(id);

    // a second launch while it is queued: 409 naming the active run
    var again = postJson("/api/runs", writerToken(), Map.of("experimentId", exp));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).get("activeRunId").asLong()).isEqualTo(id);
    assertThat(json(again).get("activeRunStatus").asString()).isEqualTo("QUEUED");
    assertThat(json(again).get("detail").asString()).contains("run " + id);

    // the worker's view: stage progress and results appear in GET
    jdbc.sql("update runs set status = 'RUNNING', worker_id = 'w1', device = 'cpu', attempts = 1 where id = ?")
        .param(id).update();
    runRepository.stageFinished(id, org.asr3m.worker.run.Stage.FEATURE_PREP, org.asr3m.worker.run.StageStatus.REUSED,
        "runs/1/featurePrep", 1L, "reused run 1");
    runRepository.stageStarted(id, org.asr3m.worker.run.Stage.EMBEDDING_PRETRAIN, "abc");
    runRepository.stageProgress(id, org.asr3m.worker.run.Stage.EMBEDDING_PRETRAIN, 0.5, 30.0);
    runRepository.saveResult(id, new RunRepository.Result("tiny-cmn/test", "attention_rescoring", 12.5, 100, 90, 6, 4,
        2, 10, 0.1));
    JsonNode running = json(get("/api/runs/" + id));
    assertThat(running.get("status").asString()).isEqualTo("RUNNING");
    assertThat(running.get("workerId").asString()).isEqualTo("w1");
    assertThat(running.get("currentStage").asString()).isEqualTo("embeddingPretrain");
    assertThat(running.get("progress").asDouble()).isEqualTo(1.5 / 5);
    assertThat(running.get("etaSeconds").asDouble()).isEqualTo(30.0);
    assertThat(running.get("stages").get(0).get("reusedFromRun").asLong()).isEqualTo(1);
    assertThat(running.get("results").get(0).get("cer").asDouble()).isEqualTo(12.5);
    assertThat(json(get("/api/experiments/" + exp)).get("bestCer").get("tiny-cmn/test").get("cer").asDouble())
        .isEqualTo(12.5);

    // finishing releases the slot: a new launch is accepted
    runRepository.finish(id, RunStatus.COMPLETED, null);
    assertThat(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of()).statusCode()).isEqualTo(201);
  }

  @Test
  void fiftyConcurrentLaunchesOfOneExperimentMakeExactlyOneRun() throws Exception {
    long exp = experiment();
    String token = writerToken();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(() -> postJson("/api/experiments/" + exp + "/runs", token, Map.of()));
      }
      List<Integer> codes = new ArrayList<>();
      List<Long> activeIds = new ArrayList<>();
      for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
        HttpResponse<String> r = f.get();
        codes.add(r.statusCode());
        if (r.statusCode() == 409) {
          activeIds.add(json(r).get("activeRunId").asLong());
        }
      }
      assertThat(codes.stream().filter(c -> c == 201).count()).as(codes.toString()).isEqualTo(1);
      assertThat(codes.stream().filter(c -> c == 409).count()).isEqualTo(49);
      long runs = jdbc.sql("select count(*) from runs where experiment_id = ?").param(exp).query(Long.class).single();
      assertThat(runs).isEqualTo(1);
      long theRun = jdbc.sql("select id from runs where experiment_id = ?").param(exp).query(Long.class).single();
      assertThat(activeIds).containsOnly(theRun);
      assertThat(jdbc.sql("select count(*) from run_stages where run_id = ?").param(theRun).query(Long.class).single())
          .isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancelResumeAndTheirConflicts() throws Exception {
    long exp = experiment();
    long queued = json(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of())).get("id").asLong();
    var c = postJson("/api/runs/" + queued + "/cancel", writerToken(), "");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
    assertThat(json(c).get("status").asString()).isEqualTo("CANCELLED");
    assertThat(json(c).get("finishedAt").isNull()).isFalse();
    assertThat(postJson("/api/runs/" + queued + "/cancel", writerToken(), "").statusCode()).isEqualTo(409);

    // a running run: cancel is a request its worker acts on
    long running = json(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of())).get("id").asLong();
    jdbc.sql("update runs set status = 'RUNNING', worker_id = 'w' where id = ?").param(running).update();
    var cr = postJson("/api/runs/" + running + "/cancel", writerToken(), "");
    assertThat(json(cr).get("status").asString()).isEqualTo("RUNNING");
    assertThat(json(cr).get("cancelRequested").asBoolean()).isTrue();
    // resuming the cancelled one while this one is active: the experiment's slot is taken
    var blocked = postJson("/api/runs/" + queued + "/resume", writerToken(), "");
    assertThat(blocked.statusCode()).isEqualTo(409);
    assertThat(json(blocked).get("activeRunId").asLong()).isEqualTo(running);
    assertThat(postJson("/api/runs/" + running + "/resume", writerToken(), "").statusCode()).isEqualTo(409);

    runRepository.finish(running, RunStatus.CANCELLED, "cancelled by request"); // the worker stops it
    var resumed = postJson("/api/runs/" + running + "/resume", writerToken(), "");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(json(resumed).get("status").asString()).isEqualTo("QUEUED");
    assertThat(json(resumed).get("cancelRequested").asBoolean()).isFalse();
    assertThat(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of()).statusCode()).isEqualTo(409);

    runRepository.finish(running, RunStatus.FAILED, "train: out of memory");
    assertThat(json(get("/api/runs/" + running)).get("failureReason").asString()).isEqualTo("train: out of memory");
    assertThat(postJson("/api/runs/" + running + "/resume", writerToken(), "").statusCode()).isEqualTo(200);

    assertThat(postJson("/api/runs/99999/cancel", writerToken(), "").statusCode()).isEqualTo(404);
    assertThat(postJson("/api/runs/99999/resume", writerToken(), "").statusCode()).isEqualTo(404);
    assertThat(postJson("/api/runs/" + running + "/cancel", null, "").statusCode()).isEqualTo(401);
  }

  @Test
  void cloneWithEditedValuesIsRevalidated() throws Exception {
    long exp = experiment();
    long run = json(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of())).get("id").asLong();
    var c = postJson("/api/runs/" + run + "/clone", writerToken(),
        Map.of("set", Map.of("moe_conf.num_experts", 8, "optim_conf.lr", 0.001, "pipeline_conf.beam", 3)));
    assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
    JsonNode clone = json(c);
    assertThat(clone.get("experimentId").isNull()).isTrue();
    assertThat(clone.get("numExperts").asInt()).isEqualTo(8);
    assertThat(clone.get("status").asString()).isEqualTo("QUEUED");
    assertThat(clone.get("recipe").asString()).contains("num_experts: 8").contains("lr: 0.001").contains("beam: 3");
    assertThat(clone.get("trainData").asString()).isEqualTo(json(get("/api/runs/" + run)).get("trainData").asString());

    var bad = postJson("/api/runs/" + run + "/clone", writerToken(),
        Map.of("set", Map.of("moe_conf.num_experts", 0, "optim_conf.lr", -1, "moe_conf.colour", "red")));
    assertThat(bad.statusCode()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    json(bad).get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).contains("recipe.moe_conf.num_experts", "recipe.optim_conf.lr", "recipe.moe_conf.colour");

    // in the same experiment the one-active-run rule holds
    var same = postJson("/api/runs/" + run + "/clone", writerToken(), Map.of("sameExperiment", true,
        "set", Map.of("moe_conf.num_experts", 2)));
    assertThat(same.statusCode()).isEqualTo(409);
    runRepository.finish(run, RunStatus.COMPLETED, null);
    var same2 = postJson("/api/runs/" + run + "/clone", writerToken(), Map.of("sameExperiment", true,
        "set", Map.of("moe_conf.num_experts", 2), "name", "two experts"));
    assertThat(same2.statusCode()).as(same2.body()).isEqualTo(201);
    assertThat(json(same2).get("experimentId").asLong()).isEqualTo(exp);
    assertThat(json(same2).get("name").asString()).isEqualTo("two experts");
    assertThat(postJson("/api/runs/424242/clone", writerToken(), Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void listFiltersAndPagination() throws Exception {
    long exp = experiment();
    long first = json(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of())).get("id").asLong();
    runRepository.finish(first, RunStatus.FAILED, "x");
    long second = json(postJson("/api/experiments/" + exp + "/runs", writerToken(), Map.of())).get("id").asLong();
    JsonNode all = json(get("/api/experiments/" + exp + "/runs"));
    assertThat(all.get("total").asInt()).isEqualTo(2);
    assertThat(all.get("items").get(0).get("id").asLong()).isEqualTo(second);
    JsonNode failed = json(get("/api/runs?experiment=" + exp + "&status=FAILED"));
    assertThat(failed.get("total").asInt()).isEqualTo(1);
    assertThat(failed.get("items").get(0).get("id").asLong()).isEqualTo(first);
    JsonNode p = json(get("/api/runs?experiment=" + exp + "&size=1&page=1"));
    assertThat(p.get("items").get(0).get("id").asLong()).isEqualTo(first);
    assertThat(json(get("/api/runs?modelType=conformer_moe&experts=4&size=200")).get("total").asInt())
        .isGreaterThanOrEqualTo(2);
    assertThat(get("/api/runs?page=-1").statusCode()).isEqualTo(400);
    assertThat(get("/api/runs/777777").statusCode()).isEqualTo(404);
  }

  @Test
  void workersWithTheirHeartbeats() throws Exception {
    String live = "w-" + UUID.randomUUID();
    String dead = "w-" + UUID.randomUUID();
    jdbc.sql("insert into workers (id, host, pid, device, slots, status, current_run, current_runs, memory_used, memory_max,"
        + " device_memory_used, device_memory_max, heartbeat_at) values (?, 'h1', 42, 'gpu0,gpu1', 2, 'BUSY', 5, '5,7',"
        + " 100, 200, 3000, 8000, current_timestamp)").param(live).update();
    jdbc.sql("insert into workers (id, host, status, heartbeat_at) values (?, 'h2', 'BUSY', ?)")
        .params(dead, java.time.OffsetDateTime.now().minusMinutes(10)).update();
    JsonNode list = json(get("/api/workers"));
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    list.forEach(w -> byId.put(w.get("id").asString(), w));
    assertThat(byId.get(live).get("alive").asBoolean()).isTrue();
    assertThat(byId.get(live).get("currentRun").asLong()).isEqualTo(5);
    assertThat(byId.get(live).get("memoryMax").asLong()).isEqualTo(200);
    assertThat(byId.get(live).get("memoryFree").asLong()).isEqualTo(100);
    assertThat(byId.get(live).get("device").asString()).isEqualTo("gpu0,gpu1");
    assertThat(byId.get(live).get("slots").asInt()).isEqualTo(2);
    assertThat(byId.get(live).get("currentRuns").toString()).isEqualTo("[5,7]");
    assertThat(byId.get(live).get("deviceMemoryUsed").asLong()).isEqualTo(3000);
    assertThat(byId.get(live).get("deviceMemoryFree").asLong()).isEqualTo(5000);
    assertThat(byId.get(dead).get("currentRuns").size()).isZero();
    assertThat(byId.get(dead).get("deviceMemoryFree").isNull()).isTrue();
    assertThat(byId.get(dead).get("alive").asBoolean()).isFalse();
  }

  private long experiment() throws Exception {
    var r = postJson("/api/experiments", writerToken(), TestRecipes.experiment("run-test-" + UUID.randomUUID(),
        TestRecipes.TINY_MOE));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("id").asLong();
  }
}
