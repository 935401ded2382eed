package org.asr3m.platform.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.run.RunRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** With {@code asr3m.security.open-read=false}, downloads, listings, comparisons and sweeps need a token too. */
@TestPropertySource(properties = "asr3m.security.open-read=false")
class ClosedReadDownloadTest extends ApiTestBase {
  @Autowired RunRepository runs;
  @Autowired ArtifactStore store;
  @Autowired JdbcClient jdbc;

  @Test
  void readsNeedATokenWhenReadingIsClosed() throws Exception {
    long id = runs.insert(new RunRepository.NewRun("closed", "model: conformer", "conformer", null, 1L, "/t", "/d",
        Map.of(), 0, 0, null));
    byte[] content = "not really a model".getBytes(StandardCharsets.UTF_8);
    String key = "runs/" + id + "/train/final/model.npz";
    var stored = store.put(key, content);
    jdbc.sql("insert into artifacts (run_id, stage, kind, object_key, size_bytes, sha256) values (?, 'train',"
        + " 'checkpoint', ?, ?, ?)").params(id, key, stored.size(), stored.sha256()).update();

    for (String p : List.of("/api/runs/" + id + "/checkpoints", "/api/runs/" + id + "/checkpoints/final/model.npz",
        "/api/runs/" + id + "/checkpoints/final/bundle", "/api/results/compare?runs=" + id, "/api/sweeps")) {
      var anon = get(p);
      assertThat(anon.statusCode()).as(p).isEqualTo(401);
      assertThat(anon.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }
    var r = http.send(HttpRequest.newBuilder(uri("/api/runs/" + id + "/checkpoints/final/model.npz"))
        .header("Authorization", "Bearer " + writerToken()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(content);
    assertThat(r.headers().firstValue("ETag")).hasValue("\"" + stored.sha256() + "\"");
    var list = send("GET", "/api/runs/" + id + "/checkpoints", writerToken(), null, null);
    assertThat(list.statusCode()).isEqualTo(200);
    // no trainer.json: listed, but not complete
    assertThat(json(list).get(0).get("complete").asBoolean()).isFalse();
  }
}
