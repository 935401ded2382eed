package org.asr3m.worker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * compose.yaml as Docker Compose reads it (test support: worker and platform-api check their services) with no .env file: every {@code ${VAR:-default}} replaced
 * by its default and {@code $$} by {@code $}, as Compose interpolates values after parsing.
 */
public final class ComposeFile {
  // ${NAME}, ${NAME:-default}, ${NAME-default}, or the escape $$
  private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

  private final Map<String, Object> root;
  /** each variable the file uses → every default it is given (a variable may have several) */
  private final Map<String, List<String>> variables = new LinkedHashMap<>();

  private ComposeFile(Map<String, Object> raw) {
    this.root = asMap(interpolate(raw, "$"), "compose.yaml");
  }

  /** compose.yaml of this repository (looked up from the working directory). */
  public static Path find(String name) {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("compose.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no compose.yaml above " + System.getProperty("user.dir"));
    }
    return dir.resolve(name);
  }

  public static ComposeFile read(Path file) throws IOException {
    Object raw = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    return new ComposeFile(asMap(raw, file.toString()));
  }

  public Map<String, List<String>> variables() {
    return variables;
  }

  public Map<String, Object> services() {
    return asMap(root.get("services"), "services");
  }

  public Map<String, Object> service(String name) {
    return asMap(services().get(name), "services." + name);
  }

  public Map<String, Object> volumes() {
    return asMap(root.get("volumes"), "volumes");
  }

  /** A service's environment as a map (Compose also allows a list of NAME=value). */
  public Map<String, String> environment(String service) {
    Object env = service(service).get("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (env instanceof List<?> l) {
      for (Object e : l) {
        String s = String.valueOf(e);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  /** Its health check's test command joined by spaces, or null. */
  public String healthcheck(String service) {
    Object hc = service(service).get("healthcheck");
    if (!(hc instanceof Map<?, ?> m) || m.get("test") == null) {
      return null;
    }
    Object test = m.get("test");
    return test instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : test.toString();
  }

  /** Its mounts as target path → source (a named volume, a host path, or "" for an anonymous volume). */
  public Map<String, String> mounts(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    Object vols = service(service).get("volumes");
    if (vols instanceof List<?> l) {
      for (Object v : l) {
        String[] parts = String.valueOf(v).split(":");
        if (parts.length == 1) {
          out.put(parts[0], "");
        } else {
          out.put(parts[1], parts[0]);
        }
      }
    }
    return out;
  }

  /** Its published ports as container port → host address:port. */
  public Map<Integer, String> ports(String service) {
    Map<Integer, String> out = new LinkedHashMap<>();
    Object ports = service(service).get("ports");
    if (ports instanceof List<?> l) {
      for (Object p : l) {
        String s = String.valueOf(p);
        int colon = s.lastIndexOf(':');
        out.put(Integer.parseInt(s.substring(colon + 1)), s.substring(0, Math.max(colon, 0)));
      }
    }
    return out;
  }

  /** depends_on as service → condition. */
  public Map<String, String> dependsOn(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    Object deps = service(service).get("depends_on");
    if (deps instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> c ? String.valueOf(c.get("condition")) : null));
    } else if (deps instanceof List<?> l) {
      l.forEach(d -> out.put(String.valueOf(d), null));
    }
    return out;
  }

  /** The value at a dotted path under a service (list elements by index), or null. */
  public Object at(String service, String path) {
    Object node = service(service);
    for (String key : path.split("\\.")) {
      if (node instanceof Map<?, ?> m) {
        node = m.get(key);
      } else if (node instanceof List<?> l && key.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(key);
        node = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
    }
    return node;
  }

  private Object interpolate(Object node, String where) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v, where + "." + k)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(interpolate(l.get(i), where + "." + i));
      }
      return out;
    }
    if (node instanceof String s) {
      Matcher m = VARIABLE.matcher(s);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String replacement;
        if (m.group().equals("$$")) {
          replacement = "$";
        } else if (m.group(2) == null) {
          throw new IllegalStateException("compose.yaml " + where + ": ${" + m.group(1)
              + "} has no default; give it one (${" + m.group(1) + ":-…}) so the file runs without a .env");
        } else {
          replacement = m.group(2);
          variables.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(replacement);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node, String where) {
    if (!(node instanceof Map<?, ?>)) {
      throw new IllegalStateException("compose.yaml: " + where + " is not a mapping");
    }
    return (Map<String, Object>) node;
  }
}
