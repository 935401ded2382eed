package org.asr3m.shards;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.asr3m.io.InputException;

/**
 * Reads a shard sequentially and groups consecutive members by key as WeNet does ({@code <key>.txt}
 * plus {@code <key>.wav|flac}, the key being the name up to its last dot).
 *
 * <p>Bad members are reported to {@code problems} by shard and member name and skipped: a group without
 * transcript or without audio, an unknown extension, a member larger than {@link #MAX_MEMBER_BYTES}.
 * When reading fails part-way, the shard is reopened and read on from the member it stopped at; if it
 * keeps failing at the same member the shard is truncated or corrupt there, which is reported and
 * the rest of the shard skipped; if it cannot be opened again after the retries, the epoch stops with
 * an error naming the shard.
 */
public final class ShardReader {
  /** Largest member read into memory (an utterance is well below: 12 s of 16-bit audio is 375 KiB). */
  public static final long MAX_MEMBER_BYTES = 64L << 20;
  static final Set<String> AUDIO = Set.of("wav", "flac");

  private final ShardSource source;
  private final int retries;
  private final long backoffMillis;

  /**
   * @param retries extra attempts to open or continue a remote shard after a failure
   * @param backoffMillis wait before the first retry, doubled for each further one
   */
  public ShardReader(ShardSource source, int retries, long backoffMillis) {
    this.source = source;
    this.retries = retries;
    this.backoffMillis = backoffMillis;
  }

  /** Calls {@code sink} with each complete utterance of {@code shard}, in archive order. */
  public void read(String shard, Consumer<ShardSample> sink, DataProblems problems) throws InterruptedException {
    Group group = new Group(shard, sink, problems);
    int done = 0; // members consumed (by any attempt)
    int failedAt = -1;
    int attempts = 0;
    IOException last = null;
    int allowed = source.retriable(shard) ? retries : 0;
    while (true) {
      InputStream raw;
      try {
        raw = source.open(shard);
      } catch (IOException e) {
        if (++attempts > allowed) {
          throw unreachable(shard, attempts, e);
        }
        sleep(attempts);
        continue;
      }
      String member = null;
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(raw, 1 << 16))) {
        for (int i = 0; i < done; i++) {
          if (tar.getNextEntry() == null) {
            throw new IOException("the shard has fewer members than on the previous attempt");
          }
        }
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          member = entry.getName();
          if (entry.isFile()) {
            group.member(member, entry.getSize(), tar);
          }
          done++;
          member = null;
        }
        group.flush();
        return;
      } catch (IOException | IllegalArgumentException e) { // commons-compress reports bad headers both ways
        last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        if (done == failedAt || allowed == 0) {
          if (++attempts > allowed || allowed == 0) {
            String where = member != null ? member : "member " + (done + 1);
            problems.add(shard + ": " + where + ": truncated or corrupt archive (" + last.getMessage()
                + "); the rest of the shard is skipped");
            group.abandon(member);
            return;
          }
        } else {
          failedAt = done;
          attempts = 1;
        }
        sleep(attempts);
      }
    }
  }

  private InputException unreachable(String shard, int attempts, IOException e) {
    return new InputException(null, 0, "shard " + shard + " cannot be read (" + attempts + " attempt(s)): "
        + e.getMessage(), e);
  }

  private void sleep(int attempt) throws InterruptedException {
    Thread.sleep(backoffMillis << Math.min(attempt - 1, 10));
  }

  /** Members of one key collected until the key changes. */
  private static final class Group {
    private final String shard;
    private final Consumer<ShardSample> sink;
    private final DataProblems problems;
    private String key;
    private String audioName;
    private byte[] audio;
    private String text;
    private boolean bad;

    Group(String shard, Consumer<ShardSample> sink, DataProblems problems) {
      this.shard = shard;
      this.sink = sink;
      this.problems = problems;
    }

    void member(String name, long size, InputStream in) throws IOException {
      String base = name.substring(name.lastIndexOf('/') + 1);
      int dot = base.lastIndexOf('.');
      String k = keyOf(name);
      String ext = dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
      if (!k.equals(key)) {
        flush();
        key = k;
      }
      if (size > MAX_MEMBER_BYTES) {
        problems.add(shard + ": " + name + ": " + size + " bytes, more than the " + (MAX_MEMBER_BYTES >> 20)
            + " MiB a member may have; skipped");
        bad = true;
        return;
      }
      byte[] bytes = in.readAllBytes();
      if (bytes.length != size) {
        throw new IOException("member " + name + " ends after " + bytes.length + " of " + size + " bytes");
      }
      if (ext.equals("txt")) {
        text = new String(bytes, StandardCharsets.UTF_8).strip();
      } else if (AUDIO.contains(ext)) {
        audioName = name;
        audio = bytes;
      } else {
        problems.add(shard + ": " + name + ": unsupported member type '." + ext + "' (expected .txt, .wav or .flac);"
            + " utterance " + k + " skipped");
        bad = true;
      }
    }

    /** After a failure inside {@code member} (null: between members): its utterance is dropped, not reported again. */
    void abandon(String member) {
      if (member != null && key != null && key.equals(keyOf(member))) {
        key = null;
      }
      flush();
    }

    static String keyOf(String name) {
      String base = name.substring(name.lastIndexOf('/') + 1);
      int dot = base.lastIndexOf('.');
      return dot < 0 ? base : base.substring(0, dot);
    }

    void flush() {
      if (key != null && !bad) {
        if (audio == null) {
          problems.add(shard + ": " + key + ".txt: transcript without audio member (" + key + ".wav or .flac);"
              + " skipped");
        } else if (text == null) {
          problems.add(shard + ": " + audioName + ": audio without transcript member (" + key + ".txt); skipped");
        } else {
          sink.accept(new ShardSample(shard, key, audioName, audio, text));
        }
      }
      key = null;
      audioName = null;
      audio = null;
      text = null;
      bad = false;
    }
  }
}
