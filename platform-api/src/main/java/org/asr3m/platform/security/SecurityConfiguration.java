package org.asr3m.platform.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Access control: every write needs an API token (role WRITER), token management an admin token,
 * reading is open unless {@code asr3m.security.open-read=false}; downloads follow the read rule.
 * Stateless (no sessions, no cookies), so CSRF protection does not apply.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication // the one-shot `token create` command runs without a web server
public class SecurityConfiguration {

  @Bean
  SecurityFilterChain api(HttpSecurity http, ApiTokenService tokens, ProblemResponses problems,
      SecurityProperties props) throws Exception {
    http.csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .addFilterBefore(new ApiTokenFilter(tokens, problems), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(a -> {
          a.requestMatchers("/actuator/health", "/actuator/health/**").permitAll();
          // the web UI's static files (web-ui jar): the page itself asks for a token when the API needs one
          a.requestMatchers(HttpMethod.GET, "/", "/index.html", "/app/**", "/webjars/**", "/favicon.ico").permitAll();
          a.requestMatchers("/api/tokens", "/api/tokens/**").hasRole("ADMIN");
          if (props.openRead()) {
            a.requestMatchers(HttpMethod.GET, "/**").permitAll();
            a.requestMatchers(HttpMethod.HEAD, "/**").permitAll();
          }
          a.anyRequest().hasRole("WRITER");
        })
        .exceptionHandling(e -> e
            .authenticationEntryPoint((req, res, ex) -> problems.write(res, 401, "unauthenticated",
                "Token required", req.getMethod() + " " + req.getRequestURI() + " needs an API token"
                    + " (Authorization: Bearer <token>)"))
            .accessDeniedHandler((req, res, ex) -> problems.write(res, 403, "forbidden", "Forbidden",
                req.getMethod() + " " + req.getRequestURI() + " needs an admin token")));
    return http.build();
  }

  /** No users and passwords: API tokens only (also keeps Spring Boot from generating a password). */
  @Bean
  UserDetailsService noUsers() {
    return username -> {
      throw new UsernameNotFoundException("the platform authenticates API tokens only");
    };
  }
}
