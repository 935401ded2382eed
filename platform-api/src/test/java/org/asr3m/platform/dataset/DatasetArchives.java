package org.asr3m.platform.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.asr3m.worker.TinyCorpus;

/** Real data set archives cut from tiny-cmn, and their multipart upload, for the API tests. */
public final class DatasetArchives {
  private DatasetArchives() {}

  /** A data directory with its audio inside (audio/<file>) and relative paths, cut from tiny-cmn train. */
  public static Path selfContained(Path out, int n) throws IOException {
    Path src = TinyCorpus.repoRoot().resolve("recipes/tiny-cmn/data/train");
    List<String> wav = Files.readAllLines(src.resolve("wav.scp")).subList(0, n);
    List<String> text = Files.readAllLines(src.resolve("text")).subList(0, n);
    Files.createDirectories(out.resolve("audio"));
    StringBuilder w = new StringBuilder();
    StringBuilder s = new StringBuilder();
    for (String line : wav) {
      String[] f = line.split("\\s+", 2);
      Path audio = src.resolve(f[1]).normalize();
      Files.copy(audio, out.resolve("audio").resolve(audio.getFileName()));
      w.append(f[0]).append(" audio/").append(audio.getFileName()).append('\n');
      s.append(f[0]).append(" speaker1\n");
    }
    Files.writeString(out.resolve("wav.scp"), w);
    Files.write(out.resolve("text"), text, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("utt2spk"), s);
    return out;
  }

  public static byte[] tarGz(Path data, String top) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path f : files(data)) {
        TarArchiveEntry e = new TarArchiveEntry(f.toFile(), top + data.relativize(f).toString());
        tar.putArchiveEntry(e);
        Files.copy(f, tar);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  public static byte[] zip(Path data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Path f : files(data)) {
        zip.putNextEntry(new ZipEntry(data.relativize(f).toString()));
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static List<Path> files(Path data) throws IOException {
    try (var s = Files.walk(data)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** POST /api/datasets as multipart/form-data (name, file). */
  public static HttpResponse<String> upload(HttpClient http, URI uri, String name, String fileName, byte[] archive,
      String token) throws Exception {
    String boundary = "asr3m" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    part(body, boundary, "name", null, name.getBytes(StandardCharsets.UTF_8));
    part(body, boundary, "file", fileName, archive);
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void part(OutputStream out, String boundary, String field, String fileName, byte[] content)
      throws IOException {
    StringBuilder h = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
        .append(field).append('"');
    if (fileName != null) {
      h.append("; filename=\"").append(fileName).append("\"\r\nContent-Type: application/octet-stream");
    }
    h.append("\r\n\r\n");
    out.write(h.toString().getBytes(StandardCharsets.UTF_8));
    out.write(content);
    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
  }
}
