package org.asr3m.platform.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.asr3m.cli.Asr3m;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Checkpoints of a real run: a tiny dense Conformer trained once by the in-process worker (two
 * epochs, averaged into final), listed, downloaded whole and in ranges over real HTTP and checked
 * against the SHA-256; conditional and bad-range requests; the bundle unpacked and decoded by
 * {@code asr3m decode}.
 */
@TestPropertySource(properties = {"asr3m.embedded-worker.enabled=true", "asr3m.worker.poll-interval=200ms"})
class CheckpointDownloadTest extends ApiTestBase {
  private static long runId;
  private static Path data;

  @Autowired RunRepository runs;
  @Autowired ArtifactStore store;
  @Autowired JdbcClient jdbc;


  /** Trains the run once for the whole class (the embedded worker claims it from the database). */
  private synchronized long trainedRun() throws Exception {
    if (runId != 0) {
      return runId;
    }
    data = TinyCorpus.create(Files.createTempDirectory("asr3m-ckpt-test").resolve("data"), 16, 4, 4);
    String recipe = Files.readString(TinyCorpus.recipe("tiny-3m.yaml")).replace("model: 3m", "model: conformer")
        .replaceAll("(?m)^(moe_conf|embedding_conf|multi_level_conf):.*$", "")
        .replaceAll("(?s)pipeline_conf:.*", "pipeline_conf: {decode_modes: [ctc_greedy_search]}\n");
    Map<String, String> tests = new LinkedHashMap<>();
    tests.put("test", data.resolve("test").toString());
    long id = runs.insert(new RunRepository.NewRun("ckpt-conformer", recipe, "conformer", null, 777L,
        data.resolve("train").toString(), data.resolve("dev").toString(), tests, 0, 0, null));
    long deadline = System.nanoTime() + 600_000_000_000L;
    RunStatus status = RunStatus.QUEUED;
    while (System.nanoTime() < deadline) {
      status = runs.get(id).status();
      if (status.finished()) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(status).as("run %d: %s", id, runs.stages(id)).isEqualTo(RunStatus.COMPLETED);
    runId = id;
    return id;
  }

  @Test
  void listsTheTrainCheckpointsWithEpochsDevLossesHashesAndTheAveragedEpochs() throws Exception {
    long id = trainedRun();
    var r = get("/api/runs/" + id + "/checkpoints");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode list = json(r);
    List<String> names = list.valueStream().map(n -> n.get("name").asString()).toList();
    assertThat(names).contains("epoch_0", "epoch_1", "final");
    assertThat(names.get(names.size() - 1)).isEqualTo("final");
    for (JsonNode c : list) {
      String name = c.get("name").asString();
      assertThat(c.get("complete").asBoolean()).isTrue();
      var model = store.stat("runs/" + id + "/train/" + name + "/model.npz").orElseThrow();
      assertThat(c.get("sha256").asString()).isEqualTo(model.sha256());
      long sum = 0;
      for (JsonNode f : c.get("files")) {
        var o = store.stat("runs/" + id + "/train/" + name + "/" + f.get("name").asString()).orElseThrow();
        assertThat(f.get("size").asLong()).isEqualTo(o.size());
        assertThat(f.get("sha256").asString()).isEqualTo(o.sha256());
        sum += o.size();
      }
      assertThat(c.get("size").asLong()).isEqualTo(sum);
    }
    // WeNet's naming: epoch_0 is written after the first epoch
    JsonNode e1 = list.valueStream().filter(n -> n.get("name").asString().equals("epoch_0")).findFirst().orElseThrow();
    JsonNode e2 = list.valueStream().filter(n -> n.get("name").asString().equals("epoch_1")).findFirst().orElseThrow();
    JsonNode fin = list.valueStream().filter(n -> n.get("name").asString().equals("final")).findFirst().orElseThrow();
    assertThat(e1.get("epoch").asInt()).isEqualTo(0);
    assertThat(e2.get("epoch").asInt()).isEqualTo(1);
    assertThat(fin.get("epoch").asInt()).isEqualTo(1);
    assertThat(e2.get("step").asLong()).isGreaterThan(e1.get("step").asLong());
    // the dev loss of each epoch is the one the worker recorded as a metric
    double devLoss2 = jdbc.sql("select metric_value from metrics where run_id = ? and stage = 'train' and name = 'dev_loss'"
        + " and epoch = 1").param(id).query(Double.class).single();
    assertThat(e2.get("devLoss").asDouble()).isCloseTo(devLoss2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(e2.get("dev")).hasSize(2);
    // average_num 2: final averages both epochs, unless that average scored worse on dev than the best
    // epoch alone, which final then holds (the trainer's final/selection.json says which)
    JsonNode selection;
    try (var in = store.open("runs/" + id + "/train/final/selection.json")) {
      selection = tools.jackson.databind.json.JsonMapper.builder().build().readTree(in);
    }
    List<String> kept = selection.get("kept").asString().equals("average") ? List.of("epoch_0", "epoch_1")
        : List.of("epoch_" + selection.get("best_epoch").asInt());
    assertThat(fin.get("averagedFrom").valueStream().map(JsonNode::asString).toList())
        .containsExactlyInAnyOrderElementsOf(kept);
    assertThat(e1.get("averagedIntoFinal").asBoolean()).isEqualTo(kept.contains("epoch_0"));
    assertThat(e2.get("averagedIntoFinal").asBoolean()).isEqualTo(kept.contains("epoch_1"));
    assertThat(fin.get("bundle").asString()).isEqualTo("/api/runs/" + id + "/checkpoints/final/bundle");
  }

  @Test
  void aRangedDownloadReassemblesToTheSha256AndConditionalAndBadRangesAreAnswered() throws Exception {
    long id = trainedRun();
    String path = "/api/runs/" + id + "/checkpoints/final/model.npz";
    var stored = store.stat("runs/" + id + "/train/final/model.npz").orElseThrow();
    long size = stored.size();
    assertThat(size).isGreaterThan(1000);

    var whole = bytes(path, Map.of());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(size);
    assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + stored.sha256() + "\"");
    assertThat(whole.headers().firstValue("Repr-Digest")).hasValue("sha-256=:"
        + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(stored.sha256())) + ":");
    assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(sha256(whole.body())).isEqualTo(stored.sha256());

    // three ranges: first-last, first-, and a suffix range; reassembled they are the object
    long a = size / 3;
    long b = 2 * size / 3;
    var r1 = bytes(path, Map.of("Range", "bytes=0-" + (a - 1)));
    var r2 = bytes(path, Map.of("Range", "bytes=" + a + "-" + (b - 1)));
    var r3 = bytes(path, Map.of("Range", "bytes=-" + (size - b)));
    assertThat(List.of(r1.statusCode(), r2.statusCode(), r3.statusCode())).containsOnly(206);
    assertThat(r1.headers().firstValue("Content-Range")).hasValue("bytes 0-" + (a - 1) + "/" + size);
    assertThat(r3.headers().firstValue("Content-Range")).hasValue("bytes " + b + "-" + (size - 1) + "/" + size);
    assertThat(r2.headers().firstValueAsLong("Content-Length")).hasValue(b - a);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    joined.write(r1.body());
    joined.write(r2.body());
    joined.write(r3.body());
    assertThat(joined.size()).isEqualTo(size);
    assertThat(sha256(joined.toByteArray())).isEqualTo(stored.sha256());
    // open-ended range past the end is clipped
    var tail = bytes(path, Map.of("Range", "bytes=" + (size - 10) + "-" + (size + 1000)));
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).hasSize(10);

    // conditional: the ETag the client holds → 304 without a body
    var notModified = bytes(path, Map.of("If-None-Match", "\"" + stored.sha256() + "\""));
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(bytes(path, Map.of("If-None-Match", "\"other\"")).statusCode()).isEqualTo(200);
    // a stale If-Range gets the whole object
    var stale = bytes(path, Map.of("Range", "bytes=0-9", "If-Range", "\"other\""));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).hasSize((int) size);

    // unsatisfiable and reversed ranges → 416 with the size
    for (String bad : List.of("bytes=" + size + "-", "bytes=20-10", "bytes=-0")) {
      var r = send("GET", path, null, null, null, Map.of("Range", bad));
      assertThat(r.statusCode()).as(bad).isEqualTo(416);
      assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
      assertThat(json(r).get("status").asInt()).isEqualTo(416);
    }
  }

  @Test
  void theBundleUnpacksIntoADirectoryThatAsr3mDecodeAccepts() throws Exception {
    long id = trainedRun();
    var r = bytes("/api/runs/" + id + "/checkpoints/final/bundle", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/gzip");
    Path out = Files.createTempDirectory("asr3m-bundle");
    try (var tar = new TarArchiveInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(r.body())))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path p = out.resolve(e.getName()).normalize();
        assertThat(p.startsWith(out)).isTrue();
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.copy(tar, p);
        }
      }
    }
    Path dir = out.resolve("run" + id + "_final");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList())
        .contains("model.npz", "recipe.yaml", "units.txt", "trainer.json", "global_cmvn");
    assertThat(sha256(Files.readAllBytes(dir.resolve("model.npz"))))
        .isEqualTo(store.stat("runs/" + id + "/train/final/model.npz").orElseThrow().sha256());

    StringWriter o = new StringWriter();
    StringWriter err = new StringWriter();
    Path hyp = out.resolve("hyp.txt");
    int code = Asr3m.run(new PrintWriter(o, true), new PrintWriter(err, true), "decode", "--checkpoint", dir.toString(),
        "--data-dir", data.resolve("test").toString(), "--out", hyp.toString(), "--mode", "ctc_greedy_search");
    assertThat(code).as(err.toString()).isZero();
    List<String> lines = Files.readAllLines(hyp);
    List<String> ids = Files.readAllLines(data.resolve("test/text")).stream().map(l -> l.split("\\s+")[0]).toList();
    assertThat(lines).hasSize(ids.size());
    assertThat(lines.stream().map(l -> l.split("\\s+")[0]).toList()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void theCompareTableShowsTheRealRunsCerRow() throws Exception {
    long id = trainedRun();
    var r = get("/api/results/compare?runs=" + id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode row = json(r).get("rows").get(0);
    var result = runs.results(id).get(0);
    assertThat(row.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(row.get("parameters").asLong()).isPositive();
    assertThat(row.get("flopsPerSecond").asDouble()).isPositive();
    JsonNode cell = row.get("cells").get(0);
    assertThat(cell.get("testSet").asString()).isEqualTo("test");
    assertThat(cell.get("mode").asString()).isEqualTo("ctc_greedy_search");
    assertThat(cell.get("cer").asDouble()).isEqualTo(result.cer());
    assertThat(cell.get("best").asBoolean()).isTrue();
  }

  @Test
  void unknownRunsCheckpointsAndFilesAre404Problems() throws Exception {
    long id = trainedRun();
    for (String p : List.of("/api/runs/999999/checkpoints", "/api/runs/" + id + "/checkpoints/epoch_99/model.npz",
        "/api/runs/" + id + "/checkpoints/final/optimizer.bin", "/api/runs/" + id + "/checkpoints/nonsense/model.npz",
        "/api/runs/" + id + "/checkpoints/epoch_99/bundle")) {
      var r = get(p);
      assertThat(r.statusCode()).as(p).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(json(r).get("detail").asString()).contains("does not exist");
    }
  }

  private HttpResponse<byte[]> bytes(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> send(String method, String path, String token, String type, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static String sha256(InputStream in) throws Exception {
    return sha256(in.readAllBytes());
  }
}
