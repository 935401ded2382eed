package org.asr3m.worker.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3 server for tests: S3Proxy in its own JVM (its self-contained jar, so its netty never
 * meets the Boot BOM's), on a free 127.0.0.1 port, storing into a fresh temporary directory.
 *
 * <p>Use as a JUnit 5 extension ({@code @RegisterExtension static S3ProxyServer s3 = new
 * S3ProxyServer();} starts it before the class's tests and stops it after) or directly with
 * {@code try (S3ProxyServer s3 = S3ProxyServer.start()) {...}}.
 *
 * <p>The jar is {@code org.gaul:s3proxy:<version>:jar-with-dependencies}, copied by the
 * maven-dependency-plugin to {@code target/s3proxy/s3proxy.jar} of the module running the tests
 * (see worker/pom.xml); system property {@code asr3m.s3proxy.jar} points elsewhere.
 */
public final class S3ProxyServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  public static final String JAR_PROPERTY = "asr3m.s3proxy.jar";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String provider;
  private final String accessKey = "asr3m-test";
  private final String secretKey = "asr3m-test-secret";
  private Process process;
  private Thread shutdownHook;
  private Path dataDir;
  private Path log;
  private int port;

  /** A server on S3Proxy's {@code filesystem-nio2} blob store (objects in a temporary directory). */
  public S3ProxyServer() {
    this("filesystem-nio2");
  }

  /** A server on the given jclouds provider: {@code filesystem-nio2}, {@code transient-nio2}, … */
  public S3ProxyServer(String provider) {
    this.provider = provider;
  }

  /** Starts a filesystem-backed server and returns it once it answers HTTP. */
  public static S3ProxyServer start() throws IOException {
    S3ProxyServer s = new S3ProxyServer();
    s.startServer();
    return s;
  }

  public String endpoint() {
    requireRunning();
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    requireRunning();
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Where S3Proxy keeps the objects (one subdirectory per bucket). */
  public Path dataDir() {
    requireRunning();
    return dataDir;
  }

  /** S3Proxy's own output, for diagnosing a failed test. */
  public Path log() {
    return log;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the server; waits until it answers HTTP or fails with its log. */
  public synchronized void startServer() throws IOException {
    if (isRunning()) {
      return;
    }
    Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/s3proxy/s3proxy.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IOException("S3Proxy jar not found at " + jar + ": run the tests through Maven (the worker pom copies "
          + "org.gaul:s3proxy:jar-with-dependencies there at process-test-resources) or set -D" + JAR_PROPERTY);
    }
    Path dir = Files.createTempDirectory("s3proxy-");
    dataDir = Files.createDirectories(dir.resolve("data"));
    log = dir.resolve("s3proxy.log");
    port = freePort();

    Properties props = new Properties();
    props.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", accessKey);
    props.setProperty("s3proxy.credential", secretKey);
    props.setProperty("jclouds.provider", provider);
    props.setProperty("jclouds.identity", accessKey);
    props.setProperty("jclouds.credential", secretKey);
    props.setProperty("jclouds.filesystem.basedir", dataDir.toString());
    Path config = dir.resolve("s3proxy.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "written by S3ProxyServer");
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; the tests move little data
    command.add("-jar");
    command.add(jar.toString());
    command.add("--properties");
    command.add(config.toString());
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    // Should the test JVM exit without closing us, do not leave a server running.
    Process started = process;
    shutdownHook = new Thread(started::destroyForcibly, "s3proxy-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    awaitHttp();
  }

  private void awaitHttp() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String out = tail();
        close();
        throw new IOException("S3Proxy exited with code " + process.exitValue() + " before answering:\n" + out);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int status = c.getResponseCode(); // any status (403 without credentials) means it is serving
        c.disconnect();
        if (status > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IOException("interrupted while waiting for S3Proxy", e);
      }
    }
    String out = tail();
    close();
    throw new IOException("S3Proxy did not answer on port " + port + " within " + START_TIMEOUT + ":\n" + out);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its data. */
  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or ran
      }
      shutdownHook = null;
    }
    if (dataDir != null) {
      deleteTree(dataDir.getParent());
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    startServer();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void requireRunning() {
    if (process == null) {
      throw new IllegalStateException("S3Proxy is not started");
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // Temporary directory; leaving it behind is harmless.
    }
  }
}
