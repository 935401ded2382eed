package org.asr3m.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;

/** Creates, checks and revokes API tokens; only their SHA-256 is stored. */
@Service
public class ApiTokenService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final JdbcClient jdbc;

  public ApiTokenService(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A token as listed: never its secret. */
  public record TokenInfo(long id, String name, boolean admin, OffsetDateTime createdAt, OffsetDateTime lastUsedAt,
      OffsetDateTime revokedAt) {}

  /** A newly created token: the secret is shown this once. */
  public record NewToken(long id, String name, boolean admin, String token) {}

  /** Who a valid token belongs to. */
  public record Principal(long id, String name, boolean admin) {}

  public NewToken create(String name, boolean admin) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: a token needs a name (who or what uses it)");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "asr3m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    var keys = new GeneratedKeyHolder();
    jdbc.sql("insert into api_tokens (name, token_hash, admin) values (?, ?, ?)").params(name.strip(), hash(token), admin)
        .update(keys, "id");
    return new NewToken(keys.getKeyAs(Number.class).longValue(), name.strip(), admin, token);
  }

  /** The token's owner, if the token exists and is not revoked. */
  public Optional<Principal> verify(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String h = hash(token.strip());
    Optional<Principal> p = jdbc.sql("select id, name, admin from api_tokens where token_hash = ? and revoked_at is null")
        .param(h).query((rs, i) -> new Principal(rs.getLong(1), rs.getString(2), rs.getBoolean(3))).optional();
    p.ifPresent(x -> jdbc.sql("update api_tokens set last_used_at = ? where id = ?").params(now(), x.id()).update());
    return p;
  }

  public List<TokenInfo> list() {
    return jdbc.sql("select * from api_tokens order by id").query((rs, i) -> new TokenInfo(rs.getLong("id"),
        rs.getString("name"), rs.getBoolean("admin"), rs.getObject("created_at", OffsetDateTime.class),
        rs.getObject("last_used_at", OffsetDateTime.class), rs.getObject("revoked_at", OffsetDateTime.class))).list();
  }

  /** Revokes token {@code id}; false when there is no such (unrevoked) token. */
  public boolean revoke(long id) {
    return jdbc.sql("update api_tokens set revoked_at = ? where id = ? and revoked_at is null").params(now(), id)
        .update() == 1;
  }

  public boolean anyAdmin() {
    return jdbc.sql("select count(*) from api_tokens where admin and revoked_at is null").query(Long.class).single() > 0;
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
