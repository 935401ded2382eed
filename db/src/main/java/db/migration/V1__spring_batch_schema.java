package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Spring Batch's job repository tables, created from the DDL script that ships inside the
 * spring-batch-core jar for the connected database, so the schema always matches the Spring Batch
 * version on the classpath instead of a hand-kept copy.
 */
public class V1__spring_batch_schema extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    String product = context.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    String vendor = product.contains("postgres") ? "postgresql" : product.contains("h2") ? "h2" : null;
    if (vendor == null) {
      throw new IllegalStateException("unsupported database '" + product + "': the platform runs on PostgreSQL"
          + " (or H2 for the embedded default)");
    }
    String script = read("/org/springframework/batch/core/schema-" + vendor + ".sql");
    try (Statement st = context.getConnection().createStatement()) {
      for (String sql : statements(script)) {
        st.execute(sql);
      }
    }
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = V1__spring_batch_schema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " not found: spring-batch-core must be on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The script's statements: comment lines dropped, split on the semicolons that end them. */
  static java.util.List<String> statements(String script) {
    StringBuilder body = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        body.append(line).append('\n');
      }
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String s : body.toString().split(";")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }
}
