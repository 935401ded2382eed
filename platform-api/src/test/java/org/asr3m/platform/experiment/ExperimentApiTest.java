package org.asr3m.platform.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.asr3m.platform.ApiTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Experiments over real HTTP: full validation, filters, pagination, updates, archive. */
class ExperimentApiTest extends ApiTestBase {

  @Test
  void createsFromYamlAndFromAJsonObject() throws Exception {
    var r = postJson("/api/experiments", writerToken(), TestRecipes.experiment("yaml-" + uid(), TestRecipes.TINY_MOE,
        "tiny", "moe"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode e = json(r);
    assertThat(e.get("modelType").asString()).isEqualTo("conformer_moe");
    assertThat(e.get("numExperts").asInt()).isEqualTo(4);
    assertThat(e.get("tags").toString()).isEqualTo("[\"tiny\",\"moe\"]");
    assertThat(e.get("testSets").get(0).asString()).isEqualTo("tiny-cmn/test");
    assertThat(e.get("recipe").asString()).contains("num_experts: 4");
    assertThat(e.get("runCount").asInt()).isZero();
    assertThat(e.get("runs").size()).isZero();

    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("model", "3m");
    recipe.put("moe_conf", Map.of("num_experts", 8));
    recipe.put("optim_conf", Map.of("lr", 0.0005));
    var j = postJson("/api/experiments", writerToken(), TestRecipes.experiment("json-" + uid(), null));
    assertThat(j.statusCode()).isEqualTo(400); // no recipe
    Map<String, Object> body = TestRecipes.experiment("json-" + uid(), null);
    body.put("recipe", recipe);
    var ok = postJson("/api/experiments", writerToken(), body);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(json(ok).get("modelType").asString()).isEqualTo("3m");
    assertThat(json(ok).get("numExperts").asInt()).isEqualTo(8);
    assertThat(json(ok).get("recipe").asString()).containsPattern("lr: (0.0005|5.0E-4)");
  }

  @Test
  void malformedYamlIsAnErrorWithItsLine() throws Exception {
    var r = postJson("/api/experiments", writerToken(), TestRecipes.experiment("bad-" + uid(),
        "model: 3m\nmoe_conf:\n  num_experts: [4\nseed: 1\n"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("application/problem+json"));
    JsonNode err = json(r).get("errors").get(0);
    assertThat(err.get("field").asString()).isEqualTo("recipe");
    assertThat(err.get("line").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(err.get("message").asString()).startsWith("invalid YAML");
  }

  @Test
  void everyProblemIsListedAtOnce() throws Exception {
    String recipe = """
        model: conformer_moe
        moe_conf:
          num_experts: 0
        optim_conf:
          lr: -0.001
        encoder_conf:
          num_blocks: two
          output_sise: 64
        max_epoch: 0
        """;
    Map<String, Object> body = TestRecipes.experiment("many-" + uid(), recipe);
    body.put("devSet", "no-such/dev");
    body.put("testSets", List.of("tiny-cmn/test", "nope/test"));
    body.put("colour", "blue");
    var r = postJson("/api/experiments", writerToken(), body);
    assertThat(r.statusCode()).isEqualTo(400);
    Map<String, Integer> lines = new LinkedHashMap<>();
    json(r).get("errors").forEach(e -> lines.put(e.get("field").asString(), e.get("line").isNull() ? null
        : e.get("line").asInt()));
    assertThat(lines).containsEntry("recipe.moe_conf.num_experts", 3).containsEntry("recipe.optim_conf.lr", 5)
        .containsEntry("recipe.encoder_conf.num_blocks", 7).containsEntry("recipe.encoder_conf.output_sise", 8)
        .containsEntry("recipe.max_epoch", 9).containsKeys("devSet", "testSets[1]", "colour");
    assertThat(json(r).get("detail").asString()).contains(lines.size() + " problems");

    // top_k above num_experts
    var topK = postJson("/api/experiments", writerToken(), TestRecipes.experiment("topk-" + uid(),
        "model: conformer_moe\nmoe_conf: {num_experts: 2, top_k: 3}\n"));
    assertThat(topK.statusCode()).isEqualTo(400);
    assertThat(json(topK).get("errors").get(0).get("field").asString()).isEqualTo("recipe.moe_conf.top_k");
    assertThat(json(topK).get("errors").get(0).get("message").asString()).contains("between 1 and 2");
    // nothing was created by the failures
    assertThat(json(get("/api/experiments?q=many-&size=200")).get("total").asInt()).isZero();
  }

  @Test
  void listFiltersPaginationUpdateAndArchive() throws Exception {
    String tag = "t" + uid();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String recipe = i < 3 ? TestRecipes.TINY_MOE : "model: conformer\nmax_epoch: 1\n";
      var r = postJson("/api/experiments", writerToken(), TestRecipes.experiment(tag + "-exp-" + i, recipe, tag));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      ids.add(json(r).get("id").asLong());
    }
    JsonNode page0 = json(get("/api/experiments?tag=" + tag + "&size=2&page=0"));
    assertThat(page0.get("total").asInt()).isEqualTo(5);
    assertThat(page0.get("items").size()).isEqualTo(2);
    assertThat(page0.get("items").get(0).get("id").asLong()).isEqualTo(ids.get(4)); // newest first
    assertThat(page0.get("items").get(0).has("recipe")).isFalse();
    JsonNode page2 = json(get("/api/experiments?tag=" + tag + "&size=2&page=2"));
    assertThat(page2.get("items").size()).isEqualTo(1);
    assertThat(json(get("/api/experiments?tag=" + tag + "&modelType=conformer_moe")).get("total").asInt()).isEqualTo(3);
    assertThat(json(get("/api/experiments?tag=" + tag + "&experts=4")).get("total").asInt()).isEqualTo(3);
    assertThat(json(get("/api/experiments?tag=" + tag + "&experts=8")).get("total").asInt()).isZero();
    assertThat(json(get("/api/experiments?q=" + tag.toUpperCase() + "-EXP-1")).get("total").asInt()).isEqualTo(1);
    assertThat(json(get("/api/experiments?tag=" + tag + "&status=NONE")).get("total").asInt()).isEqualTo(5);
    assertThat(get("/api/experiments?size=0").statusCode()).isEqualTo(400);

    var launched = postJson("/api/experiments/" + ids.get(0) + "/runs", writerToken(), Map.of());
    assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
    assertThat(json(get("/api/experiments?tag=" + tag + "&status=QUEUED")).get("items").get(0).get("id").asLong())
        .isEqualTo(ids.get(0));
    JsonNode withRun = json(get("/api/experiments/" + ids.get(0)));
    assertThat(withRun.get("latestRun").get("status").asString()).isEqualTo("QUEUED");
    assertThat(withRun.get("runs").size()).isEqualTo(1);

    var patched = send("PATCH", "/api/experiments/" + ids.get(1), writerToken(), "application/json",
        "{\"tags\": [\"" + tag + "\", \"best\"], \"description\": \"new words\"}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).get("description").asString()).isEqualTo("new words");
    assertThat(json(get("/api/experiments?tag=best&q=" + tag)).get("total").asInt()).isEqualTo(1);
    var badPatch = send("PATCH", "/api/experiments/" + ids.get(1), writerToken(), "application/json",
        "{\"name\": \"renamed\", \"tags\": \"x\"}");
    assertThat(badPatch.statusCode()).isEqualTo(400);
    assertThat(json(badPatch).get("errors").size()).isEqualTo(2);

    var archived = postJson("/api/experiments/" + ids.get(2) + "/archive", writerToken(), "");
    assertThat(archived.statusCode()).isEqualTo(200);
    assertThat(json(archived).get("archived").asBoolean()).isTrue();
    assertThat(json(get("/api/experiments?tag=" + tag)).get("total").asInt()).isEqualTo(4);
    assertThat(json(get("/api/experiments?tag=" + tag + "&archived=true")).get("total").asInt()).isEqualTo(1);
    assertThat(postJson("/api/experiments/" + ids.get(2) + "/runs", writerToken(), Map.of()).statusCode())
        .isEqualTo(409);
    assertThat(postJson("/api/experiments/" + ids.get(2) + "/unarchive", writerToken(), "").statusCode())
        .isEqualTo(200);
  }

  @Test
  void unknownIdsAre404AndWritesNeedAToken() throws Exception {
    var r = get("/api/experiments/987654");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("detail").asString()).isEqualTo("experiment 987654 does not exist");
    assertThat(send("PATCH", "/api/experiments/987654", writerToken(), "application/json", "{}").statusCode())
        .isEqualTo(404);
    assertThat(postJson("/api/experiments/987654/archive", writerToken(), "").statusCode()).isEqualTo(404);
    assertThat(postJson("/api/experiments/987654/runs", writerToken(), Map.of()).statusCode()).isEqualTo(404);
    var noToken = postJson("/api/experiments", null, TestRecipes.experiment("x", TestRecipes.TINY_MOE));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(send("PATCH", "/api/experiments/1", null, "application/json", "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void everyEndpointIsInTheOpenApiDocument() throws Exception {
    JsonNode paths = json(get("/v3/api-docs")).get("paths");
    for (String p : new String[] {"/api/datasets", "/api/datasets/{ref}", "/api/experiments", "/api/experiments/{id}",
        "/api/experiments/{id}/archive", "/api/experiments/{id}/runs", "/api/runs", "/api/runs/{id}",
        "/api/runs/{id}/cancel", "/api/runs/{id}/resume", "/api/runs/{id}/clone", "/api/runs/{id}/metrics",
        "/api/runs/{id}/metrics/names", "/api/runs/{id}/events", "/api/workers"}) {
      assertThat(paths.has(p)).as(p + " in " + paths.propertyNames()).isTrue();
    }
    assertThat(paths.get("/api/experiments").get("post").get("summary").asString()).isEqualTo("Create an experiment");
  }

  static String uid() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
