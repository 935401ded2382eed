package org.asr3m.platform.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.asr3m.platform.security.ApiTokenService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's main job: the tiny-cmn comparison of Conformer, Conformer-MoE and 3M submitted
 * to this running platform THROUGH ITS REST API as one sweep (as a researcher's script would),
 * followed in the terminal, and its CER table printed. The only thing done in-process is creating
 * the API token the script uses (an admin command does the same from the shell).
 */
public final class DemoCommand {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String[] MODELS = {"conformer", "conformer_moe", "3m"};

  private final String base;
  private final String token;
  private final Path recipes;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final boolean terminal = System.console() != null;

  /**
   * Settings of one demo: the budget of the 3m-asr flow in epochs. The dense Conformer trains
   * {@code epochs}; each MoE model starts from a dense base trained {@code epochs / 2} and trains
   * the remaining {@code epochs - epochs / 2}, so every model sees the data {@code epochs} times; the
   * shared embedding network is pretrained {@code embeddingEpochs}. Base, embedding network and
   * features are produced once and reused by both MoE runs. {@code parallel} runs train at once (the
   * sweep's concurrency cap; the in-process worker has as many slots).
   */
  public record Options(Path recipes, int epochs, int embeddingEpochs, int parallel, boolean keepServing) {}

  public DemoCommand(int port, ApiTokenService tokens, Path recipes, PrintStream out) {
    this.base = "http://127.0.0.1:" + port;
    this.token = tokens.create("demo", false).token();
    this.recipes = recipes;
    this.out = out;
  }

  /**
   * Epochs averaged into a run's final model: the recipe's {@code average_num} (meant for 40 epochs) but at
   * most one per 4 trained epochs. A short run's first epochs are far behind its last, and averaging
   * them in made the demo's 4-epoch dense model worse than its own last epoch (tiny-cmn test CER
   * 79.1 % against 72.6 %, ctc_greedy_search).
   */
  static int averageNum(Path file, String recipe, int epochs) {
    int fromRecipe = org.asr3m.recipe.Recipe.fromYaml(file, recipe).train().averageNum();
    return Math.min(fromRecipe, Math.max(1, epochs / 4));
  }

  /** Runs the comparison; returns 0 when every run completed, 3 otherwise. */
  public int run(Options options) throws Exception {
    requireTinyCmn();
    Map<String, Object> sweep = new LinkedHashMap<>();
    sweep.put("name", "tiny-cmn-models");
    sweep.put("description", "Conformer vs Conformer-MoE vs 3M on tiny-cmn (the README's main job)");
    sweep.put("train", "tiny-cmn/train");
    sweep.put("dev", "tiny-cmn/dev");
    Map<String, String> tests = new LinkedHashMap<>();
    tests.put("dev", "tiny-cmn/dev");
    tests.put("test", "tiny-cmn/test");
    sweep.put("test", tests);
    List<Map<String, Object>> variants = new ArrayList<>();
    for (String m : MODELS) {
      Path file = recipes.resolve(m + ".yaml");
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + " not found: run the demo from the repository root"
            + " (or give --recipes DIR)");
      }
      String recipe = Files.readString(file);
      Map<String, Object> set = new LinkedHashMap<>();
      int trained = options.epochs();
      if (!m.equals("conformer")) {
        int base = options.epochs() / 2;
        trained = options.epochs() - base;
        set.put("pipeline_conf.base_epochs", base);
        set.put("pipeline_conf.embedding_epochs", options.embeddingEpochs());
      }
      set.put("max_epoch", trained);
      set.put("average_num", averageNum(file, recipe, trained));
      variants.add(Map.of("name", m, "recipe", recipe, "set", set));
    }
    sweep.put("variants", variants);
    sweep.put("maxConcurrent", options.parallel());
    JsonNode created = call("POST", "/api/sweeps", JSON.writeValueAsString(sweep));
    long id = created.get("id").asLong();
    out.printf("sweep %d: %s — %s%n", id, created.get("name").asString(), String.join(", ", MODELS));
    out.printf("  follow it at %s/api/sweeps/%d (and the UI at %s/)%n%n", base, id, base);
    JsonNode detail = follow(id);
    String baseline = null;
    for (JsonNode p : detail.get("points")) {
      if ("conformer".equals(p.path("variant").asString(p.path("label").asString()))) {
        baseline = p.path("run").asString();
      }
    }
    String md = text("/api/results/compare?sweep=" + id + "&format=md" + (baseline == null ? "" : "&baseline=" + baseline));
    out.println();
    out.println(md);
    boolean allCompleted = true;
    for (JsonNode p : detail.get("points")) {
      allCompleted &= "COMPLETED".equals(p.path("status").asString());
    }
    return allCompleted ? 0 : 3;
  }

  /**
   * Fails before anything is submitted when the platform did not register tiny-cmn (it looks for
   * recipes/tiny-cmn/data in the working directory and its parents); otherwise every run would fail
   * later in featurePrep with a data directory that does not exist.
   */
  private void requireTinyCmn() throws IOException, InterruptedException {
    for (String set : List.of("tiny-cmn/train", "tiny-cmn/dev", "tiny-cmn/test")) {
      // only a 404 means "not registered"; other failures surface, with their own message, when the sweep is posted
      if (exchange("GET", "/api/datasets/" + set, null, "application/json").statusCode() == 404) {
        throw new IllegalArgumentException("data set " + set + " is not registered: start the demo from the repository"
            + " root (the platform registers recipes/tiny-cmn/data found in the working directory or a parent) or give"
            + " --asr3m.datasets.tiny-cmn=DIR");
      }
    }
  }

  /** Polls the sweep until every point finished, printing each run's stages and progress. */
  private JsonNode follow(long sweepId) throws Exception {
    Map<Long, String> lastLine = new HashMap<>();
    ProgressBar bar = null;
    String barKey = null;
    long start = System.nanoTime();
    try {
      while (true) {
        JsonNode s = call("GET", "/api/sweeps/" + sweepId, null);
        boolean done = true;
        for (JsonNode p : s.get("points")) {
          String status = p.path("status").asString();
          if (!(status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED"))) {
            done = false;
          }
          if (p.path("run").isNull() || p.path("run").isMissingNode()) {
            continue;
          }
          long runId = p.get("run").asLong();
          JsonNode run = call("GET", "/api/runs/" + runId, null);
          String label = p.path("label").asString();
          String stage = run.path("currentStage").asString("");
          double progress = run.path("progress").asDouble(0);
          String line = String.format("%-14s run %-4d %-10s %s", label, runId, run.path("status").asString(), stage);
          if (terminal && run.path("status").asString().equals("RUNNING") && !stage.isEmpty()) {
            String key = runId + "/" + stage;
            if (!key.equals(barKey)) {
              if (bar != null) {
                bar.close();
              }
              bar = new ProgressBarBuilder().setTaskName(label + " " + stage).setInitialMax(100)
                  .setStyle(ProgressBarStyle.ASCII).build();
              barKey = key;
            }
            bar.stepTo(Math.round(progress * 100));
          } else if (!line.equals(lastLine.get(runId))) {
            lastLine.put(runId, line);
            out.printf("%5.0fs  %s%s%n", (System.nanoTime() - start) / 1e9, line, stageSummary(run));
          }
        }
        if (done) {
          return s;
        }
        Thread.sleep(2000);
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /** ", reused: featurePrep, baseTrain" or the failure reason. */
  private static String stageSummary(JsonNode run) {
    if (!run.path("failureReason").isNull() && !run.path("failureReason").asString("").isEmpty()) {
      return " — " + run.path("failureReason").asString();
    }
    List<String> reused = new ArrayList<>();
    for (JsonNode st : run.path("stages")) {
      if ("REUSED".equals(st.path("status").asString())) {
        reused.add(st.path("stage").asString());
      }
    }
    return reused.isEmpty() ? "" : " (reused: " + String.join(", ", reused) + ")";
  }

  private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
    return JSON.readTree(send(method, path, body, "application/json"));
  }

  private String text(String path) throws IOException, InterruptedException {
    return send("GET", path, null, "text/markdown");
  }

  private String send(String method, String path, String body, String accept) throws IOException, InterruptedException {
    HttpResponse<String> r = exchange(method, path, body, accept);
    if (r.statusCode() >= 400) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private HttpResponse<String> exchange(String method, String path, String body, String accept)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token).header("Accept", accept)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
