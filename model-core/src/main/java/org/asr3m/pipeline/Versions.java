package org.asr3m.pipeline;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The software a run was made with, for its reproducibility record: this project's version and
 * commit (written into the classes at build time), DJL, the PyTorch engine actually loaded, the
 * JVM and the operating system.
 *
 * @param gitCommit the commit id, with "-dirty" when the build had uncommitted changes; "unknown"
 *     when built without git
 */
public record Versions(String project, String gitCommit, String djl, String pytorch, String jvm, String os) {
  public static final String UNKNOWN = "unknown";

  /**
   * Reads the versions; the PyTorch version comes from the engine, so its native library is loaded
   * (and "unavailable" is recorded when it cannot be).
   */
  public static Versions current() {
    Properties build = properties("versions.properties");
    Properties git = properties("git.properties");
    String pytorch;
    try {
      pytorch = Engine.getEngine("PyTorch").getVersion();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      pytorch = "unavailable (" + e.getMessage() + ")";
    }
    return new Versions(value(build, "project.version"), value(git, "git.commit"),
        Engine.getDjlVersion(), pytorch,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
            + " (" + System.getProperty("java.vendor") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
  }

  /** The versions as an ordered map with snake_case keys (for a JSON record or a database row). */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("project", project);
    m.put("git_commit", gitCommit);
    m.put("djl", djl);
    m.put("pytorch", pytorch);
    m.put("jvm", jvm);
    m.put("os", os);
    return m;
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "").trim();
    // an unfiltered placeholder: the resource was not produced by the Maven build
    return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
  }

  private static Properties properties(String name) {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream(name)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // a build without the resource records "unknown"
    }
    return p;
  }
}
