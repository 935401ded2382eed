package org.asr3m.platform.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.asr3m.data.DataFingerprint;
import org.asr3m.platform.ApiTestBase;
import org.asr3m.worker.TinyCorpus;
import org.asr3m.worker.artifact.ArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Data sets over real HTTP: tiny-cmn on start, uploads of real archives, store prefixes, local paths, every problem listed. */
class DatasetApiTest extends ApiTestBase {
  @Autowired
  ArtifactStore store;

  @TempDir
  Path dir;

  @Test
  void tinyCmnIsRegisteredOnStartWithItsCounts() throws Exception {
    var list = get("/api/datasets");
    assertThat(list.statusCode()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    json(list).forEach(d -> names.add(d.get("name").asString()));
    assertThat(names).contains("tiny-cmn/train", "tiny-cmn/dev", "tiny-cmn/test");

    JsonNode train = json(get("/api/datasets/tiny-cmn/train"));
    assertThat(train.get("utterances").asInt()).isEqualTo(java.nio.file.Files.readAllLines(
        TinyCorpus.repoRoot().resolve("recipes/tiny-cmn/data/train/wav.scp")).size());
    assertThat(train.get("source").asString()).isEqualTo("local");
    assertThat(train.get("speakersFrom").asString()).isEqualTo("utt2spk");
    assertThat(train.get("speakers").asInt()).isGreaterThan(1);
    assertThat(train.get("hours").asDouble()).isBetween(0.05, 2.0);
    assertThat(train.get("characters").asInt()).isEqualTo(train.get("characterSet").asString().codePointCount(0,
        train.get("characterSet").asString().length()));
    assertThat(train.get("fingerprint").asString()).isEqualTo(DataFingerprint.of(TinyCorpus.repoRoot()
        .resolve("recipes/tiny-cmn/data/train")));
    long id = train.get("id").asLong();
    assertThat(json(get("/api/datasets/" + id)).get("name").asString()).isEqualTo("tiny-cmn/train");

    JsonNode test = json(get("/api/datasets/tiny-cmn/test?coverageAgainst=tiny-cmn/train"));
    JsonNode cov = test.get("coverage");
    assertThat(cov.get("against").asString()).isEqualTo("tiny-cmn/train");
    assertThat(cov.get("typeCoverage").asDouble()).isBetween(0.0, 1.0);
    assertThat(cov.get("tokenCoverage").asDouble()).isGreaterThanOrEqualTo(cov.get("typeCoverage").asDouble() - 0.5);
    assertThat(json(get("/api/datasets/tiny-cmn/train?coverageAgainst=tiny-cmn/train")).get("coverage")
        .get("tokenCoverage").asDouble()).isEqualTo(1.0);

    var missing = get("/api/datasets/no/such/set");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("application/problem+json"));
    assertThat(json(missing).get("detail").asString()).contains("no/such/set");
  }

  @Test
  void aTarGzAndAZipOfARealDataDirectoryAreStoredValidatedAndCounted() throws Exception {
    Path data = DatasetArchives.selfContained(dir.resolve("set"), 6);
    String fingerprint = DataFingerprint.of(data);
    String name = "up-" + UUID.randomUUID().toString().substring(0, 6) + "/train";

    var r = upload(name, "set.tar.gz", DatasetArchives.tarGz(data, "set/"), writerToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode d = json(r);
    assertThat(d.get("source").asString()).isEqualTo("upload");
    assertThat(d.get("location").asString()).isEqualTo("store:datasets/" + name);
    assertThat(d.get("utterances").asInt()).isEqualTo(6);
    assertThat(d.get("speakers").asInt()).isEqualTo(1);
    assertThat(d.get("fingerprint").asString()).isEqualTo(fingerprint);
    assertThat(d.get("hours").asDouble()).isGreaterThan(0);
    assertThat(d.get("audioBytes").asLong()).isGreaterThan(1000);
    assertThat(store.list("datasets/" + name + "/")).extracting(a -> a.key())
        .contains("datasets/" + name + "/wav.scp", "datasets/" + name + "/text", "datasets/" + name + "/utt2spk");

    var again = upload(name, "set.tar.gz", DatasetArchives.tarGz(data, ""), writerToken());
    assertThat(again.statusCode()).isEqualTo(409);

    String zipName = "up-" + UUID.randomUUID().toString().substring(0, 6) + "/dev";
    var z = upload(zipName, "set.zip", DatasetArchives.zip(data), writerToken());
    assertThat(z.statusCode()).as(z.body()).isEqualTo(201);
    assertThat(json(z).get("fingerprint").asString()).isEqualTo(fingerprint);
  }

  @Test
  void aBrokenArchiveIsRejectedWithEveryProblemAndLeavesNothing() throws Exception {
    Path data = DatasetArchives.selfContained(dir.resolve("broken"), 5);
    List<String> wav = new ArrayList<>(Files.readAllLines(data.resolve("wav.scp")));
    String gone = wav.get(1).split(" ")[1];
    Files.delete(data.resolve(gone)); // missing audio, line 2 of wav.scp
    List<String> text = new ArrayList<>(Files.readAllLines(data.resolve("text")));
    text.add("   a line without an id"); // bad text line 6
    text.add("ghost-utt 你好"); // a transcript without audio, line 7
    Files.write(data.resolve("text"), text);
    String name = "broken-" + UUID.randomUUID().toString().substring(0, 6);

    var r = upload(name, "broken.tar.gz", DatasetArchives.tarGz(data, ""), writerToken());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode errors = json(r).get("errors");
    List<String> where = new ArrayList<>();
    errors.forEach(e -> where.add(e.get("field").asString() + ":" + (e.get("line").isNull() ? 0 : e.get("line").asInt())));
    assertThat(where).contains("wav.scp:2", "text:6", "text:7");
    assertThat(r.body()).contains("not found").contains("no id").contains("ghost-utt");
    assertThat(r.body()).doesNotContain(System.getProperty("java.io.tmpdir") + "/asr3m-dataset");
    assertThat(store.list("datasets/" + name + "/")).isEmpty();
    assertThat(get("/api/datasets/" + name).statusCode()).isEqualTo(404);

    // an archive that is not an archive, and one without wav.scp
    var junk = upload(name, "junk.tar.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, writerToken());
    assertThat(junk.statusCode()).isEqualTo(400);
    Files.delete(data.resolve("wav.scp"));
    var noScp = upload(name, "x.tar.gz", DatasetArchives.tarGz(data, ""), writerToken());
    assertThat(noScp.statusCode()).isEqualTo(400);
    assertThat(json(noScp).get("errors").get(0).get("field").asString()).isEqualTo("wav.scp");
    assertThat(store.list("datasets/" + name + "/")).isEmpty();
  }

  @Test
  void audioPathsOutsideTheArchiveAreRejected() throws Exception {
    Path data = DatasetArchives.selfContained(dir.resolve("abs"), 3);
    List<String> wav = new ArrayList<>(Files.readAllLines(data.resolve("wav.scp")));
    String[] f = wav.get(0).split(" ");
    wav.set(0, f[0] + " " + data.resolve(f[1]).toAbsolutePath());
    Files.write(data.resolve("wav.scp"), wav);
    var r = upload("abs-" + UUID.randomUUID().toString().substring(0, 6), "a.tar.gz", DatasetArchives.tarGz(data, ""), writerToken());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("errors").get(0).get("line").asInt()).isEqualTo(1);
    assertThat(r.body()).contains("must be relative");
  }

  @Test
  void registrationByStorePrefixAndByLocalDirectory() throws Exception {
    Path data = DatasetArchives.selfContained(dir.resolve("s"), 4);
    String prefix = "corpora/" + UUID.randomUUID().toString().substring(0, 6);
    store.putDirectory(prefix, data);
    var r = postJson("/api/datasets", writerToken(), Map.of("name", prefix + "-set", "location", "store:" + prefix));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(r).get("source").asString()).isEqualTo("store");
    assertThat(json(r).get("location").asString()).isEqualTo("store:" + prefix);
    assertThat(json(r).get("fingerprint").asString()).isEqualTo(DataFingerprint.of(data));

    var empty = postJson("/api/datasets", writerToken(), Map.of("name", "nothing-here", "location", "store:void/x"));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(json(empty).get("errors").get(0).get("field").asString()).isEqualTo("location");

    Path local = TinyCorpus.create(dir.resolve("tiny"), 5, 2, 2);
    String localName = "local-" + UUID.randomUUID().toString().substring(0, 6);
    var l = postJson("/api/datasets", writerToken(), Map.of("name", localName, "location", local.resolve("dev").toString(),
        "description", "two utterances"));
    assertThat(l.statusCode()).as(l.body()).isEqualTo(201);
    assertThat(json(l).get("utterances").asInt()).isEqualTo(2);
    assertThat(json(l).get("speakersFrom").asString()).isEqualTo("id-prefix");
    assertThat(json(l).get("description").asString()).isEqualTo("two utterances");

    var noDir = postJson("/api/datasets", writerToken(), Map.of("name", "nodir", "location", "/no/such/dir"));
    assertThat(noDir.statusCode()).isEqualTo(400);
    var badName = postJson("/api/datasets", writerToken(), Map.of("name", "../x", "location", "/tmp"));
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(json(badName).get("errors").get(0).get("field").asString()).isEqualTo("name");
  }

  @Test
  void writesNeedAToken() throws Exception {
    var r = postJson("/api/datasets", null, Map.of("name", "x", "location", "/tmp"));
    assertThat(r.statusCode()).isEqualTo(401);
    var u = upload("y", "y.tar.gz", new byte[] {1}, null);
    assertThat(u.statusCode()).isEqualTo(401);
  }

  // --- helpers ---

  HttpResponse<String> upload(String name, String fileName, byte[] archive, String token) throws Exception {
    return DatasetArchives.upload(http, uri("/api/datasets"), name, fileName, archive, token);
  }
}
