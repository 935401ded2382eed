package org.asr3m.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.WorkerApplication;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.run.StageStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The experiment job on the real PostgreSQL service with a shortened tiny 3M recipe: the whole
 * chain end to end, metrics while training, stage reuse by a second run, and a failed stage that
 * keeps its reason and the earlier stages' outputs and completes after a resume without redoing them.
 */
@SpringBootTest(classes = WorkerApplication.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentJobTest {
  private static final PostgresTestDatabase db = PostgresTestDatabase.create("job");
  private static final Path tmp = JobTestProperties.tempDir("asr3m-job-test");
  private static Path data;

  @Autowired RunRepository runs;
  @Autowired LeaseManager leases;
  @Autowired RunExecutor executor;
  @Autowired JdbcClient jdbc;
  @Autowired ArtifactStore store;
  @Autowired WorkerProperties props;

  @BeforeAll
  static void corpus() throws Exception {
    data = TinyCorpus.create(tmp.resolve("data"), 40, 8, 8);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    JobTestProperties.register(registry, db, tmp);
    registry.add("asr3m.worker.metrics-interval", () -> "100ms");
    registry.add("asr3m.worker.feature-partitions", () -> "3");
    registry.add("asr3m.worker.shard-utterances", () -> "5");
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  private long submit(String name, String recipe, Map<String, String> tests) {
    return runs.insert(new RunRepository.NewRun(name, recipe, "3m", 2, 777L, data.resolve("train").toString(),
        data.resolve("dev").toString(), tests, 0, 0, null));
  }

  private Map<String, String> tests() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("dev", data.resolve("dev").toString());
    t.put("test", data.resolve("test").toString());
    return t;
  }

  private RunStatus execute(long id) throws Exception {
    assertThat(leases.claim(id, props.id(), props.lease())).isTrue();
    return executor.execute(id);
  }

  private static String recipe() throws Exception {
    return Files.readString(TinyCorpus.recipe("tiny-3m.yaml"));
  }

  @Test
  @Order(1)
  void runsTheWholeChainWritingMetricsWhileTrainingThenASecondRunReusesTheSharedStages() throws Exception {
    long first = submit("3m-2e", recipe(), tests());
    CompletableFuture<RunStatus> done = CompletableFuture.supplyAsync(() -> {
      try {
        return execute(first);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // training metrics become visible while the run is still going
    long metricsWhileRunning = 0;
    while (!done.isDone()) {
      long n = jdbc.sql("select count(*) from metrics where run_id = ?").param(first).query(Long.class).single();
      String status = jdbc.sql("select status from runs where id = ?").param(first).query(String.class).single();
      if (n > 0 && status.equals("RUNNING")) {
        metricsWhileRunning = n;
      }
      Thread.sleep(200);
    }
    assertThat(done.get()).as(String.valueOf(runs.stages(first))).isEqualTo(RunStatus.COMPLETED);
    assertThat(metricsWhileRunning).as("metrics rows seen while the run was RUNNING").isPositive();

    var stages = runs.stages(first);
    assertThat(stages.values()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StageStatus.COMPLETED));
    assertThat(stages.get(Stage.BASE_TRAIN).outputPrefix()).isEqualTo("runs/" + first + "/baseTrain");

    // every test set × decoding mode, with consistent counts
    var results = runs.results(first);
    assertThat(results).extracting(r -> r.testSet() + "/" + r.mode()).containsExactlyInAnyOrder(
        "dev/ctc_greedy_search", "dev/attention_rescoring", "test/ctc_greedy_search", "test/attention_rescoring");
    for (var r : results) {
      assertThat(r.refChars()).isPositive();
      assertThat(r.correct() + r.substitutions() + r.deletions()).isEqualTo(r.refChars());
      assertThat(r.cer()).isCloseTo(100.0 * (r.substitutions() + r.deletions() + r.insertions()) / r.refChars(),
          org.assertj.core.data.Offset.offset(1e-6));
      assertThat(r.utterances()).isEqualTo(8);
    }

    // curves of every training stage, including the MoE router's
    List<String> names = jdbc.sql("select distinct stage || ':' || name from metrics where run_id = ?").param(first)
        .query(String.class).list();
    assertThat(names).contains("embeddingPretrain:loss", "baseTrain:loss", "train:loss", "train:ctc", "train:lr",
        "train:grad_norm", "train:frames_per_second", "train:dev_loss");
    assertThat(names).anyMatch(n -> n.startsWith("train:expert_share/encoders.0.feed_forward/"));
    assertThat(names).anyMatch(n -> n.startsWith("train:router_entropy/"));

    // artefacts: recorded with the store's size and hash; logs of every stage kept
    for (String key : List.of("runs/" + first + "/featurePrep/units.txt", "runs/" + first + "/featurePrep/global_cmvn",
        "runs/" + first + "/train/final/model.npz", "runs/" + first + "/evaluate/test/attention_rescoring/text",
        "runs/" + first + "/logs/train.log", "runs/" + first + "/logs/evaluate.log")) {
      var stored = store.stat(key).orElseThrow(() -> new AssertionError("missing " + key));
      String sha = jdbc.sql("select sha256 from artifacts where object_key = ?").param(key).query(String.class).single();
      assertThat(sha).isEqualTo(stored.sha256());
    }
    // only the newest step checkpoint of a stage is kept
    assertThat(store.list("runs/" + first + "/train/step_").stream().map(a -> a.key().split("/")[3]).distinct())
        .hasSizeLessThanOrEqualTo(1);

    // featurePrep ran as three Spring Batch partitions whose merged CMVN equals a single pass over the set
    assertThat(store.list("runs/" + first + "/featurePrep/partitions/")).extracting(a -> a.key().split("/")[4])
        .containsOnly("part-0000", "part-0001", "part-0002").hasSize(6);
    assertThat(jdbc.sql("select count(*) from batch_step_execution where step_name like 'featurePrepPartition:partition%'")
        .query(Long.class).single()).isEqualTo(3);
    Path merged = tmp.resolve("merged_cmvn");
    store.get("runs/" + first + "/featurePrep/global_cmvn", merged);
    var single = org.asr3m.pipeline.FeaturePrep.prepare(data.resolve("train"),
        org.asr3m.recipe.Recipe.read(TinyCorpus.recipe("tiny-3m.yaml")), tmp.resolve("single"), 1,
        new java.io.PrintWriter(java.io.Writer.nullWriter()));
    var a = org.asr3m.features.GlobalCmvn.read(merged);
    var b = org.asr3m.features.GlobalCmvn.read(single.cmvn());
    assertThat(a.frameCount()).isEqualTo(b.frameCount());
    for (int i = 0; i < a.dim(); i++) {
      assertThat(a.mean()[i]).isCloseTo(b.mean()[i], org.assertj.core.data.Offset.offset(1e-9 * (1 + Math.abs(b.mean()[i]))));
      assertThat(a.inverseStd()[i]).isCloseTo(b.inverseStd()[i], org.assertj.core.data.Offset.offset(1e-9 * b.inverseStd()[i]));
    }
    assertThat(Files.readString(tmp.resolve("single/units.txt"))).isEqualTo(new String(
        store.open("runs/" + first + "/featurePrep/units.txt").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));

    // featurePrep wrote each partition's utterances as shards and listed them; training streamed them
    assertShardsPublishedAndStreamed(first);

    // a second run with 4 experts: features, embedding network and dense base are linked, not recomputed
    long second = submit("3m-4e", recipe().replace("num_experts: 2", "num_experts: 4"), tests());
    assertThat(execute(second)).isEqualTo(RunStatus.COMPLETED);
    var s2 = runs.stages(second);
    for (Stage s : List.of(Stage.FEATURE_PREP, Stage.EMBEDDING_PRETRAIN, Stage.BASE_TRAIN)) {
      assertThat(s2.get(s).status()).as(s.stepName()).isEqualTo(StageStatus.REUSED);
      assertThat(s2.get(s).reusedFromRun()).isEqualTo(first);
      assertThat(s2.get(s).outputPrefix()).isEqualTo("runs/" + first + "/" + s.stepName());
    }
    assertThat(s2.get(Stage.TRAIN).status()).isEqualTo(StageStatus.COMPLETED);
    assertThat(store.list("runs/" + second + "/baseTrain/")).isEmpty();
    assertThat(jdbc.sql("select count(*) from metrics where run_id = ? and stage = 'baseTrain'").param(second)
        .query(Long.class).single()).isZero();
    assertThat(runs.results(second)).hasSize(4);
  }

  @Test
  @Order(2)
  void aFailedStageKeepsItsReasonAndTheEarlierOutputsAndAResumeFinishesWithoutRedoingThem() throws Exception {
    Path late = tmp.resolve("late-test-set");
    Map<String, String> tests = Map.of("late", late.toString());
    // a dense Conformer: no embedding network, no base (recorded as skipped)
    String conformer = dense();
    long id = submit("dense", conformer, tests);
    assertThat(execute(id)).isEqualTo(RunStatus.FAILED);
    var stages = runs.stages(id);
    assertThat(stages.get(Stage.EMBEDDING_PRETRAIN).status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(stages.get(Stage.EMBEDDING_PRETRAIN).message()).contains("no embedding network");
    assertThat(stages.get(Stage.BASE_TRAIN).status()).isEqualTo(StageStatus.SKIPPED);
    assertThat(stages.get(Stage.TRAIN).status()).isEqualTo(StageStatus.COMPLETED);
    assertThat(stages.get(Stage.EVALUATE).status()).isEqualTo(StageStatus.FAILED);
    assertThat(stages.get(Stage.EVALUATE).message()).contains(late.toString()).contains("does not exist");
    String reason = jdbc.sql("select failure_reason from runs where id = ?").param(id).query(String.class).single();
    assertThat(reason).startsWith("evaluate: ").contains(late.toString());
    var model = store.stat("runs/" + id + "/train/final/model.npz").orElseThrow();
    var trainStarted = startedAt(id, Stage.TRAIN);
    assertThat(store.stat("runs/" + id + "/logs/evaluate.log")).isPresent();

    // the user fixes the data and resumes: only evaluate runs again
    TinyCorpusCopy.copy(data.resolve("test"), late);
    runs.requeue(id);
    assertThat(execute(id)).isEqualTo(RunStatus.COMPLETED);
    assertThat(startedAt(id, Stage.TRAIN)).isEqualTo(trainStarted);
    assertThat(store.stat("runs/" + id + "/train/final/model.npz").orElseThrow().sha256()).isEqualTo(model.sha256());
    assertThat(runs.results(id)).extracting(r -> r.testSet() + "/" + r.mode()).containsExactly("late/ctc_greedy_search");
  }

  /**
   * 40 training utterances in 3 partitions (13, 13, 14) of shards of up to 5: 9 shards, each stored and
   * recorded with its size and hash, listed in partition order, holding every training utterance once;
   * and each training stage's log says it streamed them.
   */
  private void assertShardsPublishedAndStreamed(long run) throws Exception {
    String prefix = "runs/" + run + "/featurePrep";
    List<org.asr3m.worker.artifact.StoredArtifact> shards = store.list(prefix + "/shards/");
    assertThat(shards).extracting(org.asr3m.worker.artifact.StoredArtifact::key)
        .allMatch(k -> k.matches(java.util.regex.Pattern.quote(prefix) + "/shards/part-000[0-2]/shards_\\d{6}\\.tar"))
        .hasSize(9);
    for (var a : shards) {
      var row = jdbc.sql("select kind, size_bytes, sha256 from artifacts where object_key = ?").param(a.key())
          .query((rs, i) -> List.of(rs.getString(1), rs.getLong(2), rs.getString(3))).single();
      assertThat(row).containsExactly("shard", a.size(), a.sha256());
      assertThat(a.size()).isPositive();
    }
    String list = new String(store.open(prefix + "/shards.list").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(list.lines().toList()).containsExactlyElementsOf(
        shards.stream().map(a -> "store://" + a.key()).toList()); // keys sort in partition order
    var listed = store.stat(prefix + "/shards.list").orElseThrow();
    assertThat(jdbc.sql("select sha256 from artifacts where object_key = ?").param(listed.key()).query(String.class)
        .single()).isEqualTo(listed.sha256());
    String manifest = new String(store.open(prefix + "/manifest.txt").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(manifest).contains(prefix + "/shards.list", shards.get(8).key());
    assertThat(runs.stages(run).get(Stage.FEATURE_PREP).message()).isEqualTo("40 utterances in 9 shard(s)");

    // the shards hold exactly the training set, read back through the store shard source
    var reader = new org.asr3m.shards.ShardReader(new org.asr3m.worker.artifact.StoreShardSource(store), 0, 1);
    var problems = new org.asr3m.shards.DataProblems(10);
    List<String> ids = new java.util.ArrayList<>();
    for (String line : list.lines().toList()) {
      reader.read(line, sample -> ids.add(sample.key()), problems);
    }
    assertThat(problems.count()).isZero();
    List<String> train = Files.readAllLines(data.resolve("train/text")).stream().map(l -> l.split(" ")[0]).sorted()
        .toList();
    assertThat(ids).hasSize(40).containsExactlyElementsOf(train);

    for (String stage : List.of("embeddingPretrain", "baseTrain", "train")) {
      String log = new String(store.open("runs/" + run + "/logs/" + stage + ".log").readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(log).as(stage).contains("train 9 shard(s) streamed").contains("epoch 0 data: ")
          .contains(" from 9 shard(s)");
    }
  }

  private static String dense() throws Exception {
    return recipe().replace("model: 3m", "model: conformer")
        .replaceAll("(?m)^(moe_conf|embedding_conf|multi_level_conf):.*$", "")
        .replaceAll("(?s)pipeline_conf:.*", "pipeline_conf: {decode_modes: [ctc_greedy_search]}\n");
  }

  private Object startedAt(long id, Stage stage) {
    return jdbc.sql("select started_at from run_stages where run_id = ? and stage = ?").params(id, stage.stepName())
        .query((rs, i) -> rs.getObject(1)).single();
  }

  /** Copies a data directory (its wav.scp holds absolute paths). */
  static final class TinyCorpusCopy {
    static void copy(Path from, Path to) throws Exception {
      Files.createDirectories(to);
      for (String f : List.of("wav.scp", "text")) {
        Files.copy(from.resolve(f), to.resolve(f));
      }
    }
  }
}
