package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes through exactly {@code expectedSize} bytes while hashing them, and fails with
 * {@link ArtifactIntegrityException} instead of returning the last bytes when the content is
 * shorter, longer or hashes differently. Used both ways: reading an object back (so a damaged
 * object is never silently consumed) and feeding an upload (so a source that breaks or changes
 * mid-way aborts the upload before the object becomes visible).
 */
final class VerifyingInputStream extends InputStream {

  private final InputStream in;
  private final long expectedSize;
  private final String expectedSha256;
  private final String key;
  private final String subject;
  private final MessageDigest digest = Sha256.newDigest();
  private long count;
  private boolean verified;
  private ArtifactIntegrityException failure;

  /**
   * @param subject how messages name the content, e.g. "artefact 'k' in s3://b/p" or "content
   *     given for artefact 'k'"
   */
  VerifyingInputStream(InputStream in, long expectedSize, String expectedSha256, String key, String subject) {
    this.in = in;
    this.expectedSize = expectedSize;
    this.expectedSha256 = expectedSha256;
    this.key = key;
    this.subject = subject;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    long remaining = expectedSize - count;
    if (remaining == 0) {
      verify();
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, (int) Math.min(len, remaining));
    } catch (ArtifactIntegrityException e) {
      throw e;
    } catch (IOException e) {
      // Say what was being read: the source's own message rarely names the artefact.
      throw new IOException("reading " + subject + " failed after " + count + " of " + expectedSize + " bytes: " + e.getMessage(), e);
    }
    if (n < 0) {
      throw fail(new ArtifactIntegrityException(
          key, expectedSha256, null,
          subject + " ended after " + count + " of " + expectedSize + " bytes"));
    }
    digest.update(b, off, n);
    count += n;
    if (count == expectedSize) {
      verify();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), expectedSize - count);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Bytes passed through so far. */
  long count() {
    return count;
  }

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    verified = true;
    if (in.read() >= 0) {
      throw fail(new ArtifactIntegrityException(
          key, expectedSha256, null, subject + " is longer than its " + expectedSize + " bytes"));
    }
    String actual = Sha256.hex(digest);
    if (!actual.equals(expectedSha256)) {
      throw fail(new ArtifactIntegrityException(
          key, expectedSha256, actual,
          "SHA-256 mismatch for " + subject + ": expected " + expectedSha256 + ", actual " + actual));
    }
  }

  private ArtifactIntegrityException fail(ArtifactIntegrityException e) {
    failure = e;
    return e;
  }
}
