package org.asr3m.worker.artifact;

import java.io.IOException;
import java.io.InputStream;

/**
 * Serves {@code content} up to {@code limit} bytes, then hands over to {@link #atLimit}: the source
 * of an upload that breaks (or hangs) half-way, as a failing disk or network would.
 */
abstract class CutOffInputStream extends InputStream {
  private final byte[] content;
  private final int limit;
  private int position;

  CutOffInputStream(byte[] content, int limit) {
    this.content = content;
    this.limit = limit;
  }

  /** Called instead of reading once {@code position} bytes (the limit) were served; throws or blocks. */
  protected abstract void atLimit(int position) throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (position >= limit) {
      atLimit(position);
    }
    if (position >= content.length) {
      return -1;
    }
    int n = Math.min(len, Math.min(limit, content.length) - position);
    System.arraycopy(content, position, b, off, n);
    position += n;
    return n;
  }
}
