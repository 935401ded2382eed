package org.asr3m.platform.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.platform.experiment.TestRecipes;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.asr3m.worker.run.Stage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Metric series and the live stream, with metric rows inserted the way the worker's MetricsSink writes them. */
class MetricApiTest extends ApiTestBase {
  @Autowired
  JdbcClient jdbc;

  @Autowired
  RunRepository runRepository;

  @Test
  void seriesFilteredByNameStageAndAfter() throws Exception {
    long run = run();
    for (int step = 1; step <= 5; step++) {
      metric(run, "train", "loss", step, 1, 10.0 / step);
      metric(run, "train", "ctc", step, 1, 20.0 / step);
      metric(run, "train", "lr", step, 1, 0.001 * step);
      metric(run, "baseTrain", "loss", step, 1, 5.0);
      metric(run, "train", "expert_share/1/" + (step % 2), step, 1, 0.5);
    }
    JsonNode all = json(get("/api/runs/" + run + "/metrics?names=loss,ctc&stage=train"));
    assertThat(all.get("series").size()).isEqualTo(2);
    JsonNode loss = all.get("series").get(0);
    assertThat(loss.get("name").asString()).isEqualTo("loss");
    assertThat(loss.get("stage").asString()).isEqualTo("train");
    assertThat(loss.get("step").toString()).isEqualTo("[1,2,3,4,5]");
    assertThat(loss.get("value").get(1).asDouble()).isEqualTo(5.0);
    assertThat(loss.get("epoch").get(0).asInt()).isEqualTo(1);
    long lastId = all.get("lastId").asLong();
    assertThat(all.get("truncated").asBoolean()).isFalse();

    assertThat(json(get("/api/runs/" + run + "/metrics?names=loss")).get("series").size()).isEqualTo(2); // two stages
    assertThat(json(get("/api/runs/" + run + "/metrics?names=expert_share/*")).get("series").size()).isEqualTo(2);

    JsonNode none = json(get("/api/runs/" + run + "/metrics?names=loss,ctc&stage=train&after=" + lastId));
    assertThat(none.get("series").size()).isZero();
    assertThat(none.get("lastId").asLong()).isEqualTo(lastId);
    metric(run, "train", "loss", 6, 2, 1.0);
    JsonNode next = json(get("/api/runs/" + run + "/metrics?names=loss,ctc&stage=train&after=" + lastId));
    assertThat(next.get("series").get(0).get("step").toString()).isEqualTo("[6]");
    assertThat(next.get("lastId").asLong()).isGreaterThan(lastId);

    JsonNode limited = json(get("/api/runs/" + run + "/metrics?limit=3"));
    assertThat(limited.get("truncated").asBoolean()).isTrue();
    JsonNode names = json(get("/api/runs/" + run + "/metrics/names"));
    assertThat(names.toString()).contains("\"name\":\"lr\"").contains("\"stage\":\"baseTrain\"");

    assertThat(get("/api/runs/" + run + "/metrics?limit=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/runs/918273/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void theLiveStreamDeliversMetricRowsAndStateChangesUntilTheRunEnds() throws Exception {
    long run = run();
    metric(run, "train", "loss", 1, 1, 3.0);
    HttpRequest req = HttpRequest.newBuilder(uri("/api/runs/" + run + "/events")).timeout(Duration.ofSeconds(60)).GET()
        .build();
    HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("text/event-stream"));
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> resp.body().forEach(l -> {
      synchronized (lines) {
        lines.add(l);
      }
    }));
    waitFor(lines, "\"step\":1");
    // the worker starts training and writes more rows
    jdbc.sql("update runs set status = 'RUNNING' where id = ?").param(run).update();
    runRepository.stageStarted(run, Stage.TRAIN, "h");
    metric(run, "train", "loss", 2, 1, 2.0);
    metric(run, "train", "ctc", 2, 1, 4.0);
    waitFor(lines, "\"name\":\"ctc\"");
    waitFor(lines, "\"status\":\"RUNNING\"");
    runRepository.finish(run, RunStatus.COMPLETED, null);
    reader.get(30, TimeUnit.SECONDS); // the stream ends by itself
    String all;
    synchronized (lines) {
      all = String.join("\n", lines);
    }
    assertThat(all).contains("event:run").contains("event:metrics").contains("event:end");
    assertThat(all.indexOf("event:end")).isGreaterThan(all.lastIndexOf("event:metrics"));
    assertThat(all).contains("\"status\":\"COMPLETED\"");
    // every metric row was delivered exactly once, with the last row id as the event id
    long maxId = jdbc.sql("select max(id) from metrics where run_id = ?").param(run).query(Long.class).single();
    assertThat(all).contains("id:" + maxId);
    assertThat(all.split("\"name\":\"loss\"", -1).length - 1).isEqualTo(2);

    // resuming from Last-Event-ID gives only newer rows; an unknown run is 404
    var again = http.send(HttpRequest.newBuilder(uri("/api/runs/" + run + "/events")).header("Last-Event-ID",
        Long.toString(maxId)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.body()).doesNotContain("event:metrics").contains("event:end");
    assertThat(get("/api/runs/918273/events").statusCode()).isEqualTo(404);
  }

  private static void waitFor(List<String> lines, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      synchronized (lines) {
        if (lines.stream().anyMatch(l -> l.contains(text))) {
          return;
        }
      }
      Thread.sleep(50);
    }
    synchronized (lines) {
      throw new AssertionError("no event with " + text + " in " + lines);
    }
  }

  private void metric(long run, String stage, String name, long step, int epoch, double value) {
    jdbc.sql("insert into metrics (run_id, stage, name, step, epoch, metric_value) values (?, ?, ?, ?, ?, ?)")
        .params(run, stage, name, step, epoch, value).update();
  }

  private long run() throws Exception {
    var e = postJson("/api/experiments", writerToken(), TestRecipes.experiment("metric-test-" + UUID.randomUUID(),
        TestRecipes.TINY_MOE));
    assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
    var r = postJson("/api/experiments/" + json(e).get("id").asLong() + "/runs", writerToken(), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("id").asLong();
  }
}
