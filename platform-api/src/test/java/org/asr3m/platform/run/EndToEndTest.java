package org.asr3m.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.platform.dataset.DatasetArchives;
import org.asr3m.worker.TinyCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole path over HTTP with the in-process worker: data sets registered (train uploaded as an
 * archive, so the worker downloads it from the store; dev and test by local directory), a shortened
 * tiny Conformer experiment created and launched, the run followed to COMPLETED, its CER rows read.
 */
@TestPropertySource(properties = {"asr3m.embedded-worker.enabled=true", "asr3m.worker.poll-interval=300ms"})
class EndToEndTest extends ApiTestBase {
  static final String RECIPE = org.asr3m.platform.TinyRecipes.DENSE;

  @TempDir
  Path dir;

  @Test
  void aTinyExperimentSubmittedOverHttpCompletesWithCerRows() throws Exception {
    var up = DatasetArchives.upload(http, uri("/api/datasets"), "e2e/train", "train.tar.gz",
        DatasetArchives.tarGz(DatasetArchives.selfContained(dir.resolve("train"), 20), ""), writerToken());
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    Path local = TinyCorpus.create(dir.resolve("tiny"), 20, 4, 4);
    for (String set : new String[] {"dev", "test"}) {
      var r = postJson("/api/datasets", writerToken(), Map.of("name", "e2e/" + set, "location",
          local.resolve(set).toString()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    var e = postJson("/api/experiments", writerToken(), Map.of("name", "e2e tiny conformer", "tags", List.of("e2e"),
        "recipe", RECIPE, "trainSet", "e2e/train", "devSet", "e2e/dev", "testSets", List.of("e2e/test"),
        "launch", true));
    assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
    JsonNode exp = json(e);
    long runId = exp.get("latestRun").get("id").asLong();
    assertThat(exp.get("latestRun").get("status").asString()).isIn("QUEUED", "RUNNING");

    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    JsonNode run = json(get("/api/runs/" + runId));
    while (!List.of("COMPLETED", "FAILED", "CANCELLED").contains(run.get("status").asString())
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      run = json(get("/api/runs/" + runId));
    }
    assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("COMPLETED");
    // executed by the in-process worker (claimed once, started and finished), not just flipped
    assertThat(run.get("attempts").asInt()).isEqualTo(1);
    assertThat(run.get("startedAt").isNull()).isFalse();
    assertThat(run.get("finishedAt").isNull()).isFalse();
    assertThat(run.get("results").size()).isEqualTo(2);
    for (JsonNode r : run.get("results")) {
      assertThat(r.get("testSet").asString()).isEqualTo("e2e/test");
      assertThat(r.get("mode").asString()).isIn("ctc_greedy_search", "attention_rescoring");
      assertThat(r.get("utterances").asInt()).isEqualTo(4);
      assertThat(r.get("refChars").asLong()).isGreaterThan(0);
      assertThat(r.get("cer").asDouble()).isEqualTo(100.0 * (r.get("substitutions").asLong()
          + r.get("deletions").asLong() + r.get("insertions").asLong()) / r.get("refChars").asLong(),
          org.assertj.core.data.Offset.offset(1e-6));
    }
    List<String> stages = new java.util.ArrayList<>();
    run.get("stages").forEach(s -> stages.add(s.get("stage").asString() + ":" + s.get("status").asString()));
    assertThat(stages).containsExactly("featurePrep:COMPLETED", "embeddingPretrain:SKIPPED", "baseTrain:SKIPPED",
        "train:COMPLETED", "evaluate:COMPLETED");
    assertThat(run.get("parameters").asLong()).isGreaterThan(0);
    assertThat(run.get("versions").size()).isGreaterThan(0);
    assertThat(run.get("dataFingerprints").toString()).contains(json(get("/api/datasets/e2e/train"))
        .get("fingerprint").asString());
    assertThat(run.get("progress").asDouble()).isEqualTo(1.0);

    JsonNode metrics = json(get("/api/runs/" + runId + "/metrics?names=loss&stage=train"));
    assertThat(metrics.get("series").get(0).get("value").size()).isGreaterThan(0);
    JsonNode after = json(get("/api/experiments/" + exp.get("id").asLong()));
    assertThat(after.get("bestCer").get("e2e/test").get("runId").asLong()).isEqualTo(runId);
    assertThat(json(get("/api/workers")).get(0).get("alive").asBoolean()).isTrue();
  }
}
