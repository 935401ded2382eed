package org.asr3m.platform.security;

import java.util.List;
import org.asr3m.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Token management (admin tokens only). */
@RestController
@RequestMapping("/api/tokens")
class TokenController {
  private final ApiTokenService tokens;

  TokenController(ApiTokenService tokens) {
    this.tokens = tokens;
  }

  record CreateToken(String name, Boolean admin) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  ApiTokenService.NewToken create(@RequestBody CreateToken body) {
    return tokens.create(body.name(), Boolean.TRUE.equals(body.admin()));
  }

  @GetMapping
  List<ApiTokenService.TokenInfo> list() {
    return tokens.list();
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(@PathVariable long id) {
    if (!tokens.revoke(id)) {
      throw new NotFoundException("token", id);
    }
  }
}
