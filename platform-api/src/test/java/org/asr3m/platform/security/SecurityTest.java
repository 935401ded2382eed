package org.asr3m.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.asr3m.platform.ApiTestBase;
import org.junit.jupiter.api.Test;

/** Access control over real HTTP: open reads, token-only writes, admin-only token management, problem bodies. */
class SecurityTest extends ApiTestBase {

  @Test
  void writesWithoutATokenAre401WithAProblemBody() throws Exception {
    var r = postJson("/api/tokens", null, Map.of("name", "x"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(r).get("status").asInt()).isEqualTo(401);
    assertThat(json(r).get("detail").asString()).contains("needs an API token");
  }

  @Test
  void anUnknownTokenIs401EvenForReads() throws Exception {
    var r = send("GET", "/actuator/info", "asr3m_not-a-token", null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).get("title").asString()).isEqualTo("Invalid token");
  }

  @Test
  void tokenManagementNeedsAnAdminToken() throws Exception {
    var r = postJson("/api/tokens", writerToken(), Map.of("name", "x"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).get("detail").asString()).contains("admin");

    var created = postJson("/api/tokens", adminToken(), Map.of("name", "ci"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String token = json(created).get("token").asString();
    long id = json(created).get("id").asLong();
    assertThat(tokens.verify(token)).isPresent();

    var listed = send("GET", "/api/tokens", adminToken(), null, null);
    assertThat(listed.body()).contains("\"ci\"").doesNotContain(token);

    var deleted = send("DELETE", "/api/tokens/" + id, adminToken(), null, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(tokens.verify(token)).isEmpty();
    assertThat(send("DELETE", "/api/tokens/" + id, adminToken(), null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void healthIsOpenAndChecksTheDatabaseAndTheArtefactStore() throws Exception {
    var r = get("/actuator/health/readiness");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"db\"").contains("\"artifactStore\"").contains("UP");
  }
}
