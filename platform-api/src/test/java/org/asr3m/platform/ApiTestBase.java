package org.asr3m.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asr3m.db.PostgresTestDatabase;
import org.asr3m.platform.security.ApiTokenService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the API tests: the real application on a random port over real HTTP, on a fresh database
 * of the real PostgreSQL service and a temporary local artefact directory; an admin and a writer
 * token.
 *
 * <p>Spring caches application contexts: test classes with the same configuration share one
 * application and so one database (tests must not assume an empty database: they use their own
 * names). Each distinct configuration gets its own application and database, dropped when the
 * JVM exits. Tests that need runs executed turn the in-process worker on with
 * {@code @TestPropertySource(properties = "asr3m.embedded-worker.enabled=true")} on their class.
 */
@SpringBootTest(classes = PlatformApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = "asr3m.embedded-worker.enabled=false")
public abstract class ApiTestBase {
  protected static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<PostgresTestDatabase> DATABASES = new CopyOnWriteArrayList<>();
  /** The temporary directory of the most recently started application (one per configuration). */
  protected static Path tmp;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> DATABASES.forEach(PostgresTestDatabase::close),
        "drop-test-databases"));
  }

  @LocalServerPort
  protected int port;

  @Autowired
  protected ApiTokenService tokens;

  protected final HttpClient http = HttpClient.newHttpClient();
  private String adminToken;
  private String writerToken;

  /** Called once per application context (not per test class: contexts are cached). */
  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    PostgresTestDatabase db = PostgresTestDatabase.create("api");
    DATABASES.add(db);
    Path dir = Files.createTempDirectory("asr3m-api-test");
    tmp = dir;
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
    registry.add("asr3m.home", dir::toString);
    registry.add("asr3m.artifacts.local.root", () -> dir.resolve("artifacts").toString());
    registry.add("asr3m.worker.work-dir", () -> dir.resolve("work").toString());
  }

  protected String adminToken() {
    if (adminToken == null) {
      adminToken = tokens.create("test-admin", true).token();
    }
    return adminToken;
  }

  protected String writerToken() {
    if (writerToken == null) {
      writerToken = tokens.create("test-writer", false).token();
    }
    return writerToken;
  }

  protected URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  protected HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  protected HttpResponse<String> send(String method, String path, String token, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  protected HttpResponse<String> postJson(String path, String token, Object body) throws Exception {
    return send("POST", path, token, "application/json", body instanceof String s ? s : JSON.writeValueAsString(body));
  }

  protected static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }
}
