package org.asr3m.platform.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.asr3m.platform.ApiTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With reading closed, the UI's own files still load (it then asks for a token); its API reads need one. */
@TestPropertySource(properties = "asr3m.security.open-read=false")
class UiClosedReadTest extends ApiTestBase {

  @Test
  void staticFilesAreServedAndTheUiEndpointsNeedAToken() throws Exception {
    for (String p : List.of("/", "/app/main.js", "/app/app.css", "/webjars/echarts/5.3.1/dist/echarts.esm.min.js")) {
      var r = get(p);
      assertThat(r.statusCode()).as(p).isEqualTo(200);
      assertThat(r.body()).as(p).isNotBlank();
    }
    assertThat(get("/").body()).contains("<main id=\"page\">").doesNotContain("http://", "https://");
    for (String p : List.of("/api/ui/recipes", "/api/runs/1/artifacts", "/api/runs/1/logs/train")) {
      assertThat(get(p).statusCode()).as(p).isEqualTo(401);
    }
    var r = send("GET", "/api/ui/recipes", writerToken(), null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).size()).isGreaterThanOrEqualTo(3);
  }
}
