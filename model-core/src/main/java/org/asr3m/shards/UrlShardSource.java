package org.asr3m.shards;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Shards on the local file system (a path, or a file: URL) or behind http(s) URLs, read with the JDK's
 * URL connection. Other schemes (s3://) need a source that knows their credentials.
 */
public final class UrlShardSource implements ShardSource {
  private final Duration timeout;

  /** @param timeout connect and read timeout of a remote shard */
  public UrlShardSource(Duration timeout) {
    this.timeout = timeout;
  }

  public UrlShardSource() {
    this(Duration.ofSeconds(30));
  }

  @Override
  public InputStream open(String shard) throws IOException {
    String scheme = scheme(shard);
    if (scheme == null) {
      try {
        return Files.newInputStream(Path.of(shard));
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(shard, null, "shard file not found");
      }
    }
    switch (scheme) {
      case "file", "http", "https" -> {
        URLConnection c = URI.create(shard).toURL().openConnection();
        c.setConnectTimeout((int) timeout.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        if (c instanceof HttpURLConnection h && h.getResponseCode() != HttpURLConnection.HTTP_OK) {
          int code = h.getResponseCode();
          h.disconnect();
          throw new IOException("HTTP " + code);
        }
        return c.getInputStream();
      }
      default -> throw new IOException("cannot read " + scheme + ":// shards here (local paths, file:, http: and"
          + " https: URLs are supported; the worker reads s3:// through its artefact store)");
    }
  }

  @Override
  public boolean retriable(String shard) {
    String scheme = scheme(shard);
    return scheme != null && !scheme.equals("file");
  }

  /** The URL scheme of {@code shard} in lower case, or null for a plain path. */
  static String scheme(String shard) {
    int colon = shard.indexOf("://");
    if (shard.startsWith("file:")) {
      return "file";
    }
    if (colon <= 1) { // no scheme, or a Windows drive letter
      return null;
    }
    return shard.substring(0, colon).toLowerCase(Locale.ROOT);
  }
}
