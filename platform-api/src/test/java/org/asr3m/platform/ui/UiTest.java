package org.asr3m.platform.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.TinyCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The web UI in a real headless Chromium against the real application (PostgreSQL, local store,
 * in-process worker) holding two real finished tiny runs trained once for the class: a dense
 * Conformer and a 4-expert Conformer-MoE (whose feature preparation is reused from the first).
 * Every page is screenshotted to target/screenshots.
 */
@TestPropertySource(properties = {"asr3m.embedded-worker.enabled=true", "asr3m.worker.poll-interval=300ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiTest extends ApiTestBase {
  static final String COMMON = org.asr3m.platform.TinyRecipes.COMMON;
  static final String DENSE = org.asr3m.platform.TinyRecipes.DENSE;
  static final String MOE = "model: conformer_moe\nmax_epoch: 2\nmoe_conf: {num_experts: 4, top_k: 1}\n" + COMMON;

  Browser browser;
  long dense;
  long moe;
  long sweep;
  List<Long> sweepRuns = new ArrayList<>();

  @BeforeAll
  void trainTwoTinyRuns() throws Exception {
    Path dir = Files.createTempDirectory("asr3m-ui-test");
    Path local = TinyCorpus.create(dir.resolve("tiny"), 20, 4, 4);
    for (String set : new String[] {"train", "dev", "test"}) {
      var r = postJson("/api/datasets", writerToken(), Map.of("name", "ui/" + set, "location",
          local.resolve(set).toString()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    dense = launch("ui dense conformer", DENSE, "ui", "dense");
    awaitFinished(dense);
    moe = launch("ui conformer-moe 4e", MOE, "ui", "moe");
    awaitFinished(moe);
    // a sweep over the expert count, run now one at a time (its earlier stages are reused from moe)
    var sw = postJson("/api/sweeps", writerToken(), Map.of("name", "ui-experts", "recipe", MOE.replace("max_epoch: 2",
        "max_epoch: 1"), "train", "ui/train", "dev", "ui/dev", "test", Map.of("ui/test", "ui/test"),
        "grid", Map.of("moe_conf.num_experts", List.of(2, 8)), "maxConcurrent", 1));
    assertThat(sw.statusCode()).as(sw.body()).isEqualTo(201);
    sweep = json(sw).get("id").asLong();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    JsonNode d = json(get("/api/sweeps/" + sweep));
    while (d.get("counts").get("COMPLETED").asInt() + d.get("counts").get("FAILED").asInt() < 2
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      d = json(get("/api/sweeps/" + sweep));
    }
    assertThat(d.get("counts").get("COMPLETED").asInt()).as(d.toString()).isEqualTo(2);
    d.get("points").forEach(p -> sweepRuns.add(p.get("run").asLong()));
    browser = new Browser(port);
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private long launch(String name, String recipe, String... tags) throws Exception {
    var e = postJson("/api/experiments", writerToken(), Map.of("name", name, "tags", List.of(tags), "recipe", recipe,
        "trainSet", "ui/train", "devSet", "ui/dev", "testSets", List.of("ui/test"), "launch", true));
    assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
    return json(e).get("latestRun").get("id").asLong();
  }

  private void awaitFinished(long run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    JsonNode r = json(get("/api/runs/" + run));
    while (!List.of("COMPLETED", "FAILED", "CANCELLED").contains(r.get("status").asString())
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      r = json(get("/api/runs/" + run));
    }
    assertThat(r.get("status").asString()).as(r.toString()).isEqualTo("COMPLETED");
  }

  private void giveToken() {
    browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")))
        .sendKeys(writerToken());
    browser.driver.findElement(By.id("token-ok")).click();
  }

  @Test
  @Order(1)
  void experimentsListShowsBestCerPerTestSet() throws Exception {
    browser.open("#/experiments?tag=ui");
    for (long run : new long[] {dense, moe}) {
      long exp = json(get("/api/runs/" + run)).get("experimentId").asLong();
      double best = json(get("/api/experiments/" + exp)).get("bestCer").get("ui/test").get("cer").asDouble();
      WebElement cell = browser.driver.findElement(By.cssSelector("#experiments tr[data-id='" + exp
          + "'] td[data-set='ui/test']"));
      assertThat(cell.getText()).isEqualTo(String.format("%.2f", best));
    }
    assertThat(browser.driver.findElements(By.cssSelector("#experiments tbody tr"))).hasSize(2);
    browser.screenshot("experiments");
  }

  @Test
  @Order(2)
  void aBadRecipeShowsTheServersErrorNextToItsLine() throws Exception {
    browser.open("#/experiments/new");
    new Select(browser.driver.findElement(By.id("template"))).selectByValue("conformer_moe");
    String yaml = (String) browser.js("return document.getElementById('recipe').value");
    String bad = yaml.replaceFirst("num_experts: \\d+", "num_experts: 0");
    assertThat(bad).isNotEqualTo(yaml);
    browser.js("const t = document.getElementById('recipe'); t.value = arguments[0];"
        + " t.dispatchEvent(new Event('input'))", bad);
    browser.driver.findElement(By.name("name")).clear();
    browser.driver.findElement(By.name("name")).sendKeys("ui bad recipe");
    new Select(browser.driver.findElement(By.name("trainSet"))).selectByVisibleText("ui/train");
    new Select(browser.driver.findElement(By.name("devSet"))).selectByVisibleText("ui/dev");
    Select tests = new Select(browser.driver.findElement(By.name("testSets")));
    tests.deselectAll();
    tests.selectByVisibleText("ui/test");
    browser.driver.findElement(By.id("submit")).click();
    giveToken();
    WebElement msg = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
        ".yaml-view .msg")));
    // the same recipe straight to the API: the UI shows the server's message at the server's line
    var api = postJson("/api/experiments", writerToken(), Map.of("name", "ui bad recipe api", "recipe", bad,
        "trainSet", "ui/train", "devSet", "ui/dev", "testSets", List.of("ui/test")));
    assertThat(api.statusCode()).isEqualTo(400);
    JsonNode err = null;
    for (JsonNode e : json(api).get("errors")) {
      if (e.get("field").asString().contains("num_experts")) {
        err = e;
      }
    }
    assertThat(err).as(api.body()).isNotNull();
    int line = err.get("line").asInt();
    assertThat(bad.lines().toList().get(line - 1)).contains("num_experts: 0");
    assertThat(msg.getAttribute("data-line")).isEqualTo(String.valueOf(line));
    assertThat(msg.getText()).contains(err.get("message").asString());
    // the message sits right under its line: the text cell just before it is that line
    String lineText = (String) browser.js("let e = arguments[0].previousElementSibling;"
        + " while (e && !e.classList.contains('tx')) e = e.previousElementSibling; return e.textContent", msg);
    assertThat(lineText).contains("num_experts: 0");
    browser.screenshot("experiment-new-error");
  }

  @Test
  @Order(3)
  void runPageDrawsEveryCurveAndTheExpertHeatMap() throws Exception {
    browser.open("#/runs/" + moe);
    List<String> losses = new ArrayList<>();
    List<String> shares = new ArrayList<>();
    List<String> entropies = new ArrayList<>();
    for (JsonNode n : json(get("/api/runs/" + moe + "/metrics/names"))) {
      String name = n.get("name").asString();
      if (!n.get("stage").asString().equals("train")) {
        continue;
      }
      if (name.startsWith("expert_share/")) {
        shares.add(name);
      } else if (name.startsWith("router_entropy/")) {
        entropies.add(name);
      } else if (!name.matches("acc|lr|grad_norm|frames_per_second|eta_seconds|dev_.*")) {
        losses.add(name);
      }
    }
    assertThat(losses).contains("loss", "ctc");
    assertThat(shares).isNotEmpty();
    assertThat(legend("chart-loss")).containsExactlyInAnyOrderElementsOf(losses);
    assertThat(legend("chart-lr")).containsExactly("lr");
    assertThat(legend("chart-grad")).containsExactly("grad_norm");
    assertThat(legend("chart-dev")).containsExactlyInAnyOrder("dev_loss", "dev_ctc", "dev_att");
    assertThat(legend("chart-entropy")).hasSize(entropies.size());
    // heat-map: one cell per layer × expert of the chosen (last) epoch
    Number cells = (Number) browser.js("return echarts.getInstanceByDom(document.getElementById('chart-heatmap'))"
        + ".getOption().series[0].data.length");
    assertThat(cells.intValue()).isEqualTo(shares.size());
    for (String chart : List.of("chart-loss", "chart-dev", "chart-lr", "chart-grad", "chart-heatmap", "chart-entropy")) {
      assertThat(paintedPixels(chart)).as(chart).isGreaterThan(500);
    }
    assertThat(new Select(browser.driver.findElement(By.id("epoch"))).getOptions()).hasSize(2);
    // the timeline: feature preparation reused from the dense run, training completed
    WebElement prep = browser.driver.findElement(By.cssSelector(".timeline [data-stage='featurePrep']"));
    assertThat(prep.getText()).contains("REUSED").contains("run " + dense);
    assertThat(browser.driver.findElement(By.cssSelector(".timeline [data-stage='train']")).getText())
        .contains("COMPLETED");
    browser.await().until(d -> d.findElement(By.id("log")).getText().contains("epoch"));
    browser.screenshot("run");
  }

  @SuppressWarnings("unchecked")
  private List<String> legend(String id) {
    return (List<String>) browser.js("return echarts.getInstanceByDom(document.getElementById(arguments[0]))"
        + ".getOption().series.map(s => s.name)", id);
  }

  /** Pixels of the chart's canvas that are not blank. */
  private long paintedPixels(String id) {
    return ((Number) browser.js("const c = document.querySelector('#' + arguments[0] + ' canvas');"
        + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
        + " for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;"
        + " return n", id)).longValue();
  }

  @Test
  @Order(4)
  void aDownloadLinkReturnsTheCheckpointWithItsSha256() throws Exception {
    browser.open("#/runs/" + dense);
    browser.js("document.querySelectorAll('#artifacts details').forEach(d => d.open = true)");
    WebElement row = browser.driver.findElements(By.cssSelector(".artifacts-table tbody tr")).stream()
        .filter(r -> r.getText().contains("/train/final/model.npz")).findFirst().orElseThrow();
    String shown = row.findElement(By.cssSelector("td.sha")).getText();
    String href = row.findElement(By.tagName("a")).getAttribute("href");
    var r = http.send(HttpRequest.newBuilder(java.net.URI.create(href)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
    assertThat(sha).isEqualTo(shown);
    assertThat(r.headers().firstValue("ETag")).contains("\"" + sha + "\"");
    // and the log endpoint the Logs section reads
    var log = get("/api/runs/" + dense + "/logs/train");
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).contains("dev loss");
    assertThat(get("/api/runs/" + dense + "/logs/nosuchstage").statusCode()).isEqualTo(404);
    assertThat(get("/api/runs/999999/artifacts").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(5)
  void dataSetsPageShowsCountsAndCoverage() throws Exception {
    browser.open("#/datasets?show=ui%2Ftest&against=ui%2Ftrain");
    WebElement row = browser.driver.findElement(By.cssSelector("#datasets tr[data-name='ui/train']"));
    assertThat(row.findElements(By.tagName("td")).get(5).getText()).isEqualTo("20");
    JsonNode cov = json(get("/api/datasets/ui/test?coverageAgainst=ui/train")).get("coverage");
    assertThat(browser.driver.findElement(By.id("coverage")).getText())
        .contains(String.format("%.1f%%", 100 * cov.get("typeCoverage").asDouble()));
    browser.screenshot("datasets");
  }

  @Test
  @Order(6)
  void workersPageListsTheEmbeddedWorker() throws Exception {
    browser.open("#/workers");
    assertThat(browser.driver.findElement(By.cssSelector("#workers tbody")).getText()).contains("yes");
    browser.screenshot("workers");
  }

  @Test
  @Order(7)
  void recipeTemplatesAreTheShippedRecipes() throws Exception {
    Map<String, String> byName = new TreeMap<>();
    json(get("/api/ui/recipes")).forEach(t -> byName.put(t.get("name").asString(), t.get("yaml").asString()));
    assertThat(byName).containsKeys("conformer", "conformer_moe", "3m");
    assertThat(byName.get("3m")).isEqualTo(Files.readString(TinyCorpus.repoRoot().resolve("recipes/tiny-cmn/3m.yaml")));
  }

  @Test
  @Order(8)
  void theCheckpointDownloadLinkReturnsTheFileWithItsSha256() throws Exception {
    browser.open("#/runs/" + dense);
    WebElement row = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
        "#checkpoints-table tr[data-name='final']")));
    String shown = row.findElement(By.cssSelector("td.sha")).getText();
    String href = row.findElement(By.cssSelector("a.download[data-file='model.npz']")).getAttribute("href");
    var r = http.send(HttpRequest.newBuilder(java.net.URI.create(href)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
    assertThat(sha).isEqualTo(shown);
    JsonNode fin = null;
    for (JsonNode c : json(get("/api/runs/" + dense + "/checkpoints"))) {
      if (c.get("name").asString().equals("final")) {
        fin = c;
      }
    }
    assertThat(fin).isNotNull();
    assertThat(fin.get("sha256").asString()).isEqualTo(sha);
    browser.screenshot("run-dense");
  }

  @Test
  @Order(9)
  void compareTableShowsTheRunsCerWithBestBoldAndChangeAgainstTheBaseline() throws Exception {
    List<Long> runs = new ArrayList<>(List.of(dense, moe));
    runs.addAll(sweepRuns);
    String ids = String.join(",", runs.stream().map(String::valueOf).toList());
    browser.open("#/compare?runs=" + ids + "&baseline=" + dense);
    // expected cells from each run's own CER rows
    Map<String, Map<Long, Double>> byColumn = new TreeMap<>();
    for (long run : runs) {
      for (JsonNode r : json(get("/api/runs/" + run)).get("results")) {
        byColumn.computeIfAbsent(r.get("testSet").asString() + "/" + r.get("mode").asString(), k -> new TreeMap<>())
            .put(run, r.get("cer").asDouble());
      }
    }
    assertThat(byColumn).hasSize(2);
    for (var col : byColumn.entrySet()) {
      double best = col.getValue().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double base = col.getValue().get(dense);
      for (var cell : col.getValue().entrySet()) {
        WebElement td = browser.driver.findElement(By.cssSelector("#compare tr[data-run='" + cell.getKey()
            + "'] td[data-col='" + col.getKey() + "']"));
        assertThat(td.getText()).startsWith(String.format("%.2f", cell.getValue()));
        assertThat(td.findElements(By.tagName("strong"))).as(col.getKey() + " run " + cell.getKey())
            .hasSize(cell.getValue() == best ? 1 : 0);
        if (cell.getKey() != dense && base > 0) {
          double change = 100 * (cell.getValue() - base) / base;
          assertThat(td.findElement(By.className("change")).getText())
              .isEqualTo(String.format("(%s%.1f%%)", change > 0 ? "+" : "", change));
        }
      }
    }
    assertThat(browser.driver.findElement(By.cssSelector("#compare tr[data-run='" + dense + "']"))
        .getAttribute("class")).contains("baseline");
    browser.driver.findElement(By.id("copy-md")).click();
    String md = get("/api/results/compare?runs=" + ids + "&baseline=" + dense + "&format=md").body();
    browser.await().until(d -> md.equals(d.findElement(By.id("copied")).getAttribute("value")));
    assertThat(md).contains("**");
    browser.screenshot("compare");
  }

  @Test
  @Order(10)
  void sweepPageDrawsCerAgainstExpertsParametersAndFlops() throws Exception {
    browser.open("#/sweeps/" + sweep);
    for (String chart : List.of("chart-experts", "chart-params", "chart-flops")) {
      Number points = (Number) browser.js("const o = echarts.getInstanceByDom(document.getElementById(arguments[0]))"
          + ".getOption(); return o.series.length === 1 ? o.series[0].data.length : -o.series.length", chart);
      assertThat(points.intValue()).as(chart).isEqualTo(2);
      assertThat(paintedPixels(chart)).as(chart).isGreaterThan(500);
    }
    assertThat(browser.driver.findElements(By.cssSelector("#points tbody tr"))).hasSize(2);
    browser.screenshot("sweep");
  }

  @Test
  @Order(11)
  void aSweepCanBeCreatedFromTheForm() throws Exception {
    browser.open("#/sweeps");
    browser.driver.findElement(By.name("name")).sendKeys("ui-form-sweep");
    new Select(browser.driver.findElement(By.id("template"))).selectByValue("conformer_moe");
    new Select(browser.driver.findElement(By.name("train"))).selectByVisibleText("ui/train");
    new Select(browser.driver.findElement(By.name("dev"))).selectByVisibleText("ui/dev");
    Select tests = new Select(browser.driver.findElement(By.name("test")));
    tests.deselectAll();
    tests.selectByVisibleText("ui/test");
    browser.driver.findElement(By.name("grid")).sendKeys("moe_conf.num_experts: 2, 4, 8");
    new Select(browser.driver.findElement(By.name("when"))).selectByValue("cron");
    browser.driver.findElement(By.name("schedule")).sendKeys("0 0 3 * * *");
    browser.driver.findElement(By.name("early")).click();
    browser.screenshot("sweeps");
    browser.driver.findElement(By.id("create-button")).click();
    if (!browser.driver.findElements(By.cssSelector("#token-dialog[open]")).isEmpty()) {
      giveToken();
    }
    browser.await().until(d -> d.getCurrentUrl().matches(".*#/sweeps/\\d+$"));
    long id = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*#/sweeps/", ""));
    browser.waitReady();
    JsonNode s = json(get("/api/sweeps/" + id));
    assertThat(s.get("name").asString()).isEqualTo("ui-form-sweep");
    assertThat(s.get("schedule").asString()).isEqualTo("0 0 3 * * *");
    assertThat(s.get("grid").get("moe_conf.num_experts").toString()).isEqualTo("[2,4,8]");
    assertThat(s.get("earlyStopping").isNull()).isFalse();
    assertThat(s.get("test").get("ui/test").asString()).endsWith("test");
    assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains("ui-form-sweep");
  }
}
