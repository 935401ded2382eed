package org.asr3m.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <token>} (or {@code X-API-Token}); a valid token authenticates
 * the request as a writer (and admin, for admin tokens). A token that is present but unknown or
 * revoked is rejected with 401 at once, so a typo never silently degrades to anonymous reading.
 */
class ApiTokenFilter extends OncePerRequestFilter {
  private final ApiTokenService tokens;
  private final ProblemResponses problems;

  ApiTokenFilter(ApiTokenService tokens, ProblemResponses problems) {
    this.tokens = tokens;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String token = token(request);
    if (token != null) {
      var principal = tokens.verify(token);
      if (principal.isEmpty()) {
        problems.write(response, 401, "invalid-token", "Invalid token",
            "the API token is unknown or revoked; create one with `java -jar platform-api.jar token create --name NAME`"
                + " or POST /api/tokens (admin)");
        return;
      }
      List<SimpleGrantedAuthority> roles = new ArrayList<>(List.of(new SimpleGrantedAuthority("ROLE_WRITER")));
      if (principal.get().admin()) {
        roles.add(new SimpleGrantedAuthority("ROLE_ADMIN"));
      }
      var auth = new UsernamePasswordAuthenticationToken(principal.get().name(), null, roles);
      SecurityContextHolder.getContext().setAuthentication(auth);
    }
    chain.doFilter(request, response);
  }

  static String token(HttpServletRequest request) {
    String h = request.getHeader("Authorization");
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).strip();
    }
    String x = request.getHeader("X-API-Token");
    return x == null || x.isBlank() ? null : x.strip();
  }
}
