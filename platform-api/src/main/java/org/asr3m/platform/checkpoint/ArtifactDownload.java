package org.asr3m.platform.checkpoint;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.HexFormat;
import org.asr3m.platform.web.ProblemDetailsAdvice;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoredArtifact;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams one stored object over HTTP: Content-Length, a strong ETag and {@code Repr-Digest}
 * (RFC 9530) from its SHA-256, conditional GET ({@code If-None-Match} → 304), and a single byte
 * range (RFC 9110: {@code Range: bytes=a-b | a- | -n} → 206; unsatisfiable or reversed → 416;
 * several ranges or a stale {@code If-Range} → the whole object). Memory does not depend on the
 * object's size: bytes go from the store to the socket through a fixed buffer.
 */
final class ArtifactDownload {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ArtifactDownload() {}

  /** A satisfiable byte range, inclusive. */
  record Range(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  /** Thrown for a range that cannot be served (416). */
  static final class Unsatisfiable extends Exception {
    private static final long serialVersionUID = 1L;

    Unsatisfiable(String message) {
      super(message);
    }
  }

  static void send(HttpServletRequest req, HttpServletResponse res, ArtifactStore store, StoredArtifact a, String filename,
      String contentType) throws IOException {
    String etag = "\"" + a.sha256() + "\"";
    res.setHeader("ETag", etag);
    res.setHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(a.sha256())) + ":");
    res.setHeader("Accept-Ranges", "bytes");
    res.setHeader("Cache-Control", "private, no-cache");
    if (matches(req.getHeader("If-None-Match"), a.sha256())) {
      res.setStatus(HttpStatus.NOT_MODIFIED.value());
      return;
    }
    Range range = null;
    String header = req.getHeader("Range");
    String ifRange = req.getHeader("If-Range");
    if (header != null && (ifRange == null || ifRange.strip().equals(etag))) {
      try {
        range = parse(header, a.size());
      } catch (Unsatisfiable e) {
        res.setHeader("Content-Range", "bytes */" + a.size());
        ProblemDetail p = ProblemDetailsAdvice.problem(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range",
            "Range not satisfiable", e.getMessage());
        res.setStatus(416);
        res.setContentType("application/problem+json");
        res.getOutputStream().write(JSON.writeValueAsBytes(p));
        return;
      }
    }
    res.setContentType(contentType);
    res.setHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    boolean head = "HEAD".equals(req.getMethod());
    if (range == null) {
      res.setStatus(200);
      res.setContentLengthLong(a.size());
      if (!head) {
        try (InputStream in = store.open(a.key()); OutputStream out = res.getOutputStream()) {
          in.transferTo(out); // the store's stream checks the SHA-256 at its end
        }
      }
      return;
    }
    res.setStatus(206);
    res.setHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + a.size());
    res.setContentLengthLong(range.length());
    if (!head) {
      try (InputStream in = store.open(a.key(), range.first(), range.length()); OutputStream out = res.getOutputStream()) {
        in.transferTo(out);
      }
    }
  }

  /**
   * The range of a {@code Range} header for an object of {@code size} bytes; null when the
   * header is to be ignored (another unit, several ranges, malformed).
   */
  static Range parse(String header, long size) throws Unsatisfiable {
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = h.substring(6).strip();
    if (spec.contains(",")) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    try {
      if (a.isEmpty()) {
        long n = Long.parseLong(b);
        if (n <= 0 || size == 0) {
          throw new Unsatisfiable("suffix range bytes=-" + b + " of a " + size + "-byte object is empty");
        }
        return new Range(Math.max(0, size - n), size - 1);
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? size - 1 : Long.parseLong(b);
      if (first < 0 || last < 0) {
        return null;
      }
      if (last < first) {
        throw new Unsatisfiable("range " + spec + " ends before it starts");
      }
      if (first >= size) {
        throw new Unsatisfiable("range " + spec + " starts at or after the end of the " + size + "-byte object");
      }
      return new Range(first, Math.min(last, size - 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** If-None-Match: "*" or a list of entity tags, weak or strong (weak comparison, RFC 9110 13.1.2). */
  static boolean matches(String ifNoneMatch, String sha256) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String t : ifNoneMatch.split(",")) {
      String tag = t.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("\"" + sha256 + "\"")) {
        return true;
      }
    }
    return false;
  }
}
