package org.asr3m.platform.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.asr3m.platform.web.ProblemDetailsAdvice;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Problem bodies written by the security filters, which run before Spring MVC's advice. */
@Component
class ProblemResponses {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  void write(HttpServletResponse response, int status, String type, String title, String detail) throws IOException {
    ProblemDetail p = ProblemDetailsAdvice.problem(HttpStatus.valueOf(status), type, title, detail);
    p.setInstance(URI.create("about:blank"));
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setHeader("WWW-Authenticate", "Bearer");
    response.getOutputStream().write(JSON.writeValueAsBytes(p));
  }
}
