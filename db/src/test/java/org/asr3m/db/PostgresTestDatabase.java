package org.asr3m.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database on the real PostgreSQL service for one test class, dropped on close.
 * The server is the local service (CI starts it); override with ASR3M_TEST_PG_URL /
 * ASR3M_TEST_PG_USER (a URL whose path is the maintenance database, e.g. jdbc:postgresql://host:5432/test).
 */
public final class PostgresTestDatabase implements AutoCloseable {
  private static final String ADMIN_URL = env("ASR3M_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = env("ASR3M_TEST_PG_USER", "postgres");
  private static final String PASSWORD = env("ASR3M_TEST_PG_PASSWORD", "");

  private final String name;

  private PostgresTestDatabase(String name) {
    this.name = name;
  }

  /** Creates {@code asr3m_<prefix>_<random>}. */
  public static PostgresTestDatabase create(String prefix) {
    String name = ("asr3m_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement st = c.createStatement()) {
      st.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + ADMIN_URL + " as " + USER
          + ": is the PostgreSQL service running? (" + e.getMessage() + ")", e);
    }
    return new PostgresTestDatabase(name);
  }

  public String url() {
    return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  public String name() {
    return name;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, PASSWORD);
  }

  @Override
  public void close() {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement st = c.createStatement()) {
      st.execute("drop database if exists " + name + " with (force)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  private static String env(String key, String fallback) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? fallback : v;
  }
}
