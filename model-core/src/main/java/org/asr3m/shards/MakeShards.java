package org.asr3m.shards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.audio.WavWriter;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.io.InputException;

/**
 * A Kaldi data directory → WeNet shards ({@code shards_NNNNNN.tar}) plus the shard list
 * ({@code shards.list}, one file name per line, resolved against its directory).
 *
 * <p>Utterances of one recording go to the same shard, so a long recording with {@code segments} is read
 * and decoded once and its segments cut out of it (written as 16 kHz 16-bit WAV); a whole-file utterance
 * is copied as it is. Shards are written in parallel, each under a temporary name renamed when complete:
 * a rerun keeps the shards that exist and writes only the missing ones. The directory records the data
 * directory's fingerprint (its utterances and the shard size), so shards of another corpus are never mixed in.
 */
public final class MakeShards {
  public static final String LIST = "shards.list";
  static final String FINGERPRINT = "shards.fingerprint";

  private MakeShards() {}

  /**
   * What a run did.
   *
   * @param shards every shard of the list
   * @param written shards written by this run (the others were kept from an earlier one)
   * @param utterances utterances in the shards this run wrote
   * @param problems data-directory problems and unreadable recordings, each naming its file
   */
  public record Result(List<Path> shards, int written, long utterances, List<InputException> problems) {}

  public static Result run(Path dataDir, Path outDir, int uttsPerShard, int threads) throws IOException {
    checkCounts(uttsPerShard, threads); // before reading a data directory that may be large
    KaldiDataDir dir = KaldiDataDir.load(dataDir);
    Result r = write(dir.utterances(), outDir, uttsPerShard, threads);
    List<InputException> problems = new ArrayList<>(dir.problems());
    problems.addAll(r.problems());
    return new Result(r.shards(), r.written(), r.utterances(), List.copyOf(problems));
  }

  private static void checkCounts(int uttsPerShard, int threads) {
    if (uttsPerShard < 1) {
      throw new IllegalArgumentException("--num-utts-per-shard must be >= 1");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
  }

  /**
   * Shards of some utterances of a data directory (e.g. one partition of a distributed preparation,
   * in the directory's id order): the same files, list and restart rules as {@link #run}, with only
   * the problems met while writing (unreadable or unsupported audio), not the directory's own.
   */
  public static Result write(List<Utterance> utterances, Path outDir, int uttsPerShard, int threads)
      throws IOException {
    checkCounts(uttsPerShard, threads);
    List<InputException> problems = new ArrayList<>();
    Files.createDirectories(outDir);
    String fingerprint = fingerprint(utterances, uttsPerShard) + "\n";
    Path fpFile = outDir.resolve(FINGERPRINT);
    if (Files.isRegularFile(fpFile) && !Files.readString(fpFile).equals(fingerprint)) {
      throw new InputException(outDir, "holds shards of another data directory or shard size (" + FINGERPRINT
          + " differs); remove it or pick another output directory");
    }
    Files.writeString(fpFile, fingerprint);
    List<List<List<Utterance>>> plan = plan(utterances, uttsPerShard);
    List<Path> shards = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      shards.add(outDir.resolve(String.format("shards_%06d.tar", i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    long count = 0;
    int written = 0;
    try {
      List<Future<ShardOutcome>> futures = new ArrayList<>();
      for (int i = 0; i < plan.size(); i++) {
        Path target = shards.get(i);
        List<List<Utterance>> recordings = plan.get(i);
        futures.add(pool.submit(() -> Files.isRegularFile(target) ? null : write(target, recordings)));
      }
      for (Future<ShardOutcome> f : futures) {
        ShardOutcome o = f.get();
        if (o != null) {
          written++;
          count += o.utterances();
          problems.addAll(o.problems());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    StringBuilder list = new StringBuilder();
    for (Path s : shards) {
      list.append(s.getFileName()).append('\n');
    }
    Path tmp = outDir.resolve(LIST + ".part");
    Files.writeString(tmp, list);
    Files.move(tmp, outDir.resolve(LIST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(List.copyOf(shards), written, count, List.copyOf(problems));
  }

  /** SHA-256 of what decides the shards' content: every usable utterance (id, audio, segment, text) and the shard size. */
  static String fingerprint(List<Utterance> utterances, int uttsPerShard) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(("per-shard " + uttsPerShard + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (Utterance u : utterances) {
        if (u.text() != null) {
          sha.update((u.id() + "\t" + u.audio() + "\t" + u.startSec() + "\t" + u.endSec() + "\t" + u.text() + "\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Recordings (their utterances in id order) packed into shards of about {@code n} utterances. */
  static List<List<List<Utterance>>> plan(List<Utterance> utterances, int n) {
    // segments group by their recording; a whole-file utterance is its own group, even when several ids
    // name the same file
    Map<Object, List<Utterance>> byRecording = new LinkedHashMap<>();
    for (Utterance u : utterances) {
      if (u.text() != null) {
        Object group = u.startSec() > 0 || u.endSec() >= 0 ? u.audio() : u.id();
        byRecording.computeIfAbsent(group, g -> new ArrayList<>()).add(u);
      }
    }
    List<List<List<Utterance>>> shards = new ArrayList<>();
    List<List<Utterance>> current = new ArrayList<>();
    int count = 0;
    for (List<Utterance> rec : byRecording.values()) {
      current.add(rec);
      count += rec.size();
      if (count >= n) {
        shards.add(current);
        current = new ArrayList<>();
        count = 0;
      }
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private record ShardOutcome(long utterances, List<InputException> problems) {}

  private static ShardOutcome write(Path target, List<List<Utterance>> recordings) {
    List<InputException> problems = new ArrayList<>();
    long n = 0;
    try (ShardWriter w = new ShardWriter(target)) {
      for (List<Utterance> rec : recordings) {
        Utterance first = rec.get(0);
        if (rec.size() == 1 && first.startSec() == 0 && first.endSec() < 0) {
          byte[] bytes;
          try {
            bytes = Files.readAllBytes(first.audio());
          } catch (NoSuchFileException e) {
            problems.add(new InputException(first.audio(), "audio file not found; utterance " + first.id() + " skipped"));
            continue;
          }
          String ext = ext(bytes);
          if (ext == null) {
            problems.add(new InputException(first.audio(), "unsupported audio format (expected RIFF/WAVE or FLAC);"
                + " utterance " + first.id() + " skipped"));
            continue;
          }
          w.add(first.id(), ext, bytes, first.text());
          n++;
          continue;
        }
        Audio audio;
        try {
          audio = AudioReader.read(first.audio(), new AudioOptions(-1, 16000, true));
        } catch (InputException e) {
          problems.add(new InputException(first.audio(), e.getMessage().replace(first.audio() + ": ", "") + "; "
              + rec.size() + " utterance(s) skipped"));
          continue;
        }
        for (Utterance u : rec) {
          Audio cut;
          try {
            cut = audio.slice(u.startSec(), u.endSec());
          } catch (IllegalArgumentException e) {
            problems.add(new InputException(first.audio(), "utterance " + u.id() + ": " + e.getMessage() + "; skipped"));
            continue;
          }
          w.add(u.id(), "wav", WavWriter.pcm16(cut), u.text());
          n++;
        }
      }
      w.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException(target + ": cannot write shard: " + e.getMessage(), e));
    }
    return new ShardOutcome(n, problems);
  }

  private static String ext(byte[] b) {
    if (b.length >= 4 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F') {
      return "wav";
    }
    if (b.length >= 4 && b[0] == 'f' && b[1] == 'L' && b[2] == 'a' && b[3] == 'C') {
      return "flac";
    }
    return null;
  }
}
