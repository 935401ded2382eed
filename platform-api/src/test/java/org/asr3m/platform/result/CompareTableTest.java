package org.asr3m.platform.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The CER comparison over real HTTP on runs and results written through the worker's
 * repository: numbers, relative change against the baseline, best per column, unfinished runs,
 * CSV and Markdown (by parameter and by Accept), and the error cases.
 */
class CompareTableTest extends ApiTestBase {
  @Autowired RunRepository runs;
  @Autowired JdbcClient jdbc;

  private long conformer;
  private long moe;
  private long threeM;
  private long queued;

  @BeforeEach
  void runs() throws Exception {
    if (conformer != 0) {
      return;
    }
    String recipe = Files.readString(TinyCorpus.recipe("tiny-3m.yaml")); // decode_modes: ctc_greedy_search, attention_rescoring
    conformer = finished("conformer", "conformer", null, 30_000_000L, 1.2e9, Map.of(
        "test/ctc_greedy_search", 12.0, "test/attention_rescoring", 10.0, "dev/ctc_greedy_search", 9.0,
        "dev/attention_rescoring", 8.0), recipe);
    moe = finished("conformer-moe-4e", "conformer_moe", 4, 80_000_000L, 1.3e9, Map.of(
        "test/ctc_greedy_search", 11.0, "test/attention_rescoring", 8.0, "dev/ctc_greedy_search", 8.5,
        "dev/attention_rescoring", 8.0), recipe);
    threeM = finished("3m-4e", "3m", 4, 85_000_000L, 1.35e9, Map.of(
        "test/ctc_greedy_search", 11.5, "test/attention_rescoring", 7.5), recipe);
    queued = runs.insert(new RunRepository.NewRun("3m-16e", recipe, "3m", 16, 777L, "/data/train", "/data/dev",
        tests(), 0, 0, null));
  }

  private static Map<String, String> tests() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("test", "/data/test");
    t.put("dev", "/data/dev");
    return t;
  }

  private long finished(String name, String model, Integer experts, long params, double flops, Map<String, Double> cer,
      String recipe) {
    long id = runs.insert(new RunRepository.NewRun(name, recipe, model, experts, 777L, "/data/train", "/data/dev", tests(),
        0, 0, null));
    runs.size(id, params, flops);
    cer.forEach((k, v) -> {
      String[] p = k.split("/");
      long ref = 200;
      long errors = Math.round(v * ref / 100);
      runs.saveResult(id, new RunRepository.Result(p[0], p[1], v, ref, ref - errors, errors, 0, 0, 10, 0.1));
    });
    runs.finish(id, RunStatus.COMPLETED, null);
    return id;
  }

  private JsonNode cell(JsonNode table, long run, String key) {
    int col = -1;
    JsonNode cols = table.get("columns");
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).get("key").asString().equals(key)) {
        col = i;
      }
    }
    assertThat(col).as("column " + key).isNotNegative();
    for (JsonNode row : table.get("rows")) {
      if (!row.get("run").isNull() && row.get("run").asLong() == run) {
        return row.get("cells").get(col);
      }
    }
    throw new AssertionError("no row for run " + run);
  }

  @Test
  void theJsonTableHasTheNumbersTheChangeAgainstTheBaselineAndTheBestPerColumn() throws Exception {
    var r = get("/api/results/compare?runs=" + conformer + "," + moe + "," + threeM + "," + queued + "&baseline=" + conformer);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode t = json(r);
    assertThat(t.get("baseline").asLong()).isEqualTo(conformer);
    // columns: test before dev (the runs' order), modes in the recipe format's order
    assertThat(t.get("columns").valueStream().map(c -> c.get("key").asString()).toList()).containsExactly(
        "test/ctc_greedy_search", "test/attention_rescoring", "dev/ctc_greedy_search", "dev/attention_rescoring");
    // rows in the order asked for, with model, experts, size and status
    JsonNode rows = t.get("rows");
    assertThat(rows.valueStream().map(x -> x.get("run").asLong()).toList()).containsExactly(conformer, moe, threeM, queued);
    assertThat(rows.get(0).get("baseline").asBoolean()).isTrue();
    assertThat(rows.get(1).get("modelType").asString()).isEqualTo("conformer_moe");
    assertThat(rows.get(1).get("experts").asInt()).isEqualTo(4);
    assertThat(rows.get(1).get("parameters").asLong()).isEqualTo(80_000_000L);
    assertThat(rows.get(1).get("flopsPerSecond").asDouble()).isEqualTo(1.3e9);
    assertThat(rows.get(0).get("experts").isNull()).isTrue();

    assertThat(cell(t, moe, "test/attention_rescoring").get("cer").asDouble()).isEqualTo(8.0);
    assertThat(cell(t, moe, "test/attention_rescoring").get("changePct").asDouble()).isCloseTo(-20.0, within(1e-9));
    assertThat(cell(t, threeM, "test/attention_rescoring").get("changePct").asDouble()).isCloseTo(-25.0, within(1e-9));
    assertThat(cell(t, moe, "test/ctc_greedy_search").get("changePct").asDouble()).isCloseTo(-100.0 / 12, within(1e-9));
    assertThat(cell(t, conformer, "test/attention_rescoring").get("changePct").asDouble()).isEqualTo(0.0);
    assertThat(cell(t, moe, "test/attention_rescoring").get("refChars").asLong()).isEqualTo(200);
    // best per column: flags on the cells and the columns' best run(s); ties share it
    assertThat(cell(t, threeM, "test/attention_rescoring").get("best").asBoolean()).isTrue();
    assertThat(cell(t, moe, "test/attention_rescoring").get("best").asBoolean()).isFalse();
    assertThat(cell(t, moe, "test/ctc_greedy_search").get("best").asBoolean()).isTrue();
    assertThat(t.get("columns").get(1).get("bestCer").asDouble()).isEqualTo(7.5);
    assertThat(t.get("columns").get(1).get("bestRuns").valueStream().map(JsonNode::asLong).toList()).containsExactly(threeM);
    assertThat(t.get("columns").get(3).get("bestRuns").valueStream().map(JsonNode::asLong).toList())
        .containsExactlyInAnyOrder(conformer, moe);
    // a run without results for a column (3M has no dev results) and an unfinished run: empty cells, status kept
    assertThat(cell(t, threeM, "dev/ctc_greedy_search").get("cer").isNull()).isTrue();
    assertThat(rows.get(3).get("status").asString()).isEqualTo("QUEUED");
    assertThat(rows.get(3).get("cells").valueStream().allMatch(c -> c.get("cer").isNull() && !c.get("best").asBoolean()))
        .isTrue();
  }

  @Test
  void csvAndMarkdownByParameterAndByAcceptHeader() throws Exception {
    String q = "/api/results/compare?runs=" + conformer + "," + moe + "," + threeM + "," + queued + "&baseline=" + conformer;
    var csv = get(q + "&format=csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(5);
    List<String> head = Arrays.asList(lines.get(0).split(","));
    assertThat(head.subList(0, 8)).containsExactly("run", "name", "model_type", "experts", "parameters", "flops_per_second",
        "status", "baseline");
    int col = head.indexOf("test/attention_rescoring cer");
    String[] moeRow = lines.get(2).split(",", -1);
    assertThat(moeRow[0]).isEqualTo(Long.toString(moe));
    assertThat(moeRow[col]).isEqualTo("8.00");
    assertThat(moeRow[col + 1]).isEqualTo("-20.0");
    assertThat(moeRow[col + 2]).isEqualTo("false");
    assertThat(lines.get(3).split(",", -1)[col + 2]).isEqualTo("true");
    assertThat(lines.get(4).split(",", -1)[6]).isEqualTo("QUEUED");
    assertThat(lines.get(4).split(",", -1)[col]).isEmpty();

    var md = get(q + "&format=md");
    assertThat(md.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/markdown"));
    List<String> mdLines = md.body().lines().toList();
    assertThat(mdLines.get(0)).startsWith("| Run | Model | Experts | Params | FLOPs/s | Status | test ctc_greedy_search CER %");
    String threeMRow = mdLines.stream().filter(l -> l.startsWith("| " + threeM + " |")).findFirst().orElseThrow();
    assertThat(threeMRow).contains("3m-4e (3m)").contains("**7.50** (-25.0%)").contains("85.00M").contains("1.35G");
    String baseRow = mdLines.stream().filter(l -> l.startsWith("| " + conformer + " |")).findFirst().orElseThrow();
    assertThat(baseRow).contains("*(baseline)*").contains("| 10.00 |");
    assertThat(md.body()).contains("relative CER change against run " + conformer);

    var byAccept = http.send(HttpRequest.newBuilder(uri(q)).header("Accept", "text/csv").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(byAccept.body()).isEqualTo(csv.body());
    var mdAccept = http.send(HttpRequest.newBuilder(uri(q)).header("Accept", "text/markdown").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(mdAccept.body()).isEqualTo(md.body());
    var jsonAccept = http.send(HttpRequest.newBuilder(uri(q)).header("Accept", "application/json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(json(jsonAccept).get("rows")).hasSize(4);
  }

  @Test
  void theOpenApiDocumentDescribesTheResultSweepAndCheckpointEndpoints() throws Exception {
    var r = get("/v3/api-docs");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode paths = json(r).get("paths");
    assertThat(paths.has("/api/results/compare")).isTrue();
    assertThat(paths.has("/api/sweeps")).isTrue();
    assertThat(paths.has("/api/sweeps/{id}/pause")).isTrue();
    assertThat(paths.has("/api/runs/{id}/checkpoints/{name}/{file}")).isTrue();
    assertThat(paths.has("/api/runs/{id}/checkpoints/{name}/bundle")).isTrue();
  }

  @Test
  void anExperimentsRunsAreCompared() throws Exception {
    long exp = jdbc.sql("insert into experiments (name, model_type, recipe) values ('e', '3m', 'model: 3m') returning id")
        .query(Long.class).single();
    String recipe = Files.readString(TinyCorpus.recipe("tiny-3m.yaml"));
    long a = runs.insert(new RunRepository.NewRun("e-1", recipe, "3m", 2, 1L, "/t", "/d", Map.of("test", "/x"), 0, 0, exp));
    long b = runs.insert(new RunRepository.NewRun("e-2", recipe, "3m", 2, 2L, "/t", "/d", Map.of("test", "/x"), 0, 0, exp));
    var r = get("/api/results/compare?experiment=" + exp);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("rows").valueStream().map(x -> x.get("run").asLong()).toList()).containsExactly(a, b);
    assertThat(json(r).get("rows").get(0).get("experiment").asLong()).isEqualTo(exp);
  }

  @Test
  void badSelectionsAre400AndUnknownIds404() throws Exception {
    var none = get("/api/results/compare");
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(json(none).get("errors").get(0).get("field").asString()).isEqualTo("runs");
    var two = get("/api/results/compare?runs=" + moe + "&sweep=1");
    assertThat(two.statusCode()).isEqualTo(400);
    var notInSet = get("/api/results/compare?runs=" + moe + "&baseline=" + conformer);
    assertThat(notInSet.statusCode()).isEqualTo(400);
    assertThat(json(notInSet).get("errors").get(0).get("field").asString()).isEqualTo("baseline");
    var garbage = get("/api/results/compare?runs=1,x");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(json(garbage).get("detail").asString()).contains("'x' is not a run id");
    var format = get("/api/results/compare?runs=" + moe + "&format=xml");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(json(format).get("detail").asString()).contains("xml");
    for (String q : List.of("runs=" + moe + ",987654", "sweep=987654", "experiment=987654")) {
      var r = get("/api/results/compare?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(json(r).get("detail").asString()).contains("987654");
    }
  }
}
