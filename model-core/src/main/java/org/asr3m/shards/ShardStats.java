package org.asr3m.shards;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.data.Units;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.io.InputException;

/**
 * The units and the global CMVN of a shard list, in one pass that streams the shards in list order
 * (the counterpart of {@code asr3m build-units} and {@code asr3m cmvn} on a data directory, for a corpus
 * that exists only as shards, e.g. in object storage).
 *
 * <p>The calling thread reads the shards; fbank runs on {@code threads} workers over a window of at most
 * 2 × threads utterances, and the statistics are added up in archive order, so the result does not
 * depend on the thread count. Memory holds that window and the distinct units, never the corpus. Bad
 * members are skipped and named by shard and member as {@link ShardReader} names them.
 */
public final class ShardStats {
  /**
   * What one pass found.
   *
   * @param units the units of every usable utterance's transcript, or null when not asked for
   * @param cmvn statistics over every decodable utterance, or null when not asked for
   * @param utterances complete utterances read (audio and transcript)
   * @param shards shards read
   * @param problemCount bad inputs skipped
   * @param problems the first of them (at most 100), each naming shard and member
   */
  public record Result(Units units, GlobalCmvn cmvn, long utterances, int shards, long problemCount,
      List<String> problems) {}

  private ShardStats() {}

  /**
   * Scans the shards of {@code list}, opened by {@code source} (remote ones retried as training does).
   *
   * @param units whether to collect the units
   * @param audio decoding of the audio members (channel, rate, resampling)
   * @param fbank features the CMVN is computed over, or null for no CMVN (nothing is decoded then)
   */
  public static Result scan(Path list, ShardSource source, boolean units, AudioOptions audio, FbankOptions fbank,
      int threads) throws InterruptedException {
    return scan(ShardList.read(list), new ShardReader(source, ShardData.RETRIES, ShardData.BACKOFF_MILLIS), units,
        audio, fbank, threads);
  }

  public static Result scan(List<String> shards, ShardReader reader, boolean units, AudioOptions audio,
      FbankOptions fbank, int threads) throws InterruptedException {
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    Pass pass = new Pass(units ? new Units.Builder() : null, fbank == null ? null : new GlobalCmvn(fbank.numMelBins()),
        audio, fbank, threads);
    try {
      int read = 0;
      for (String shard : shards) {
        reader.read(shard, pass::accept, pass.problems);
        read++;
      }
      pass.drain();
      return new Result(units ? pass.units.build() : null, pass.cmvn, pass.utterances, read, pass.problems.count(),
          pass.problems.messages());
    } catch (CancellationException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedException("interrupted while reading shards");
    } finally {
      pass.pool.shutdownNow();
    }
  }

  /** The state of one scan: the window of utterances in extraction and the running sums. */
  private static final class Pass {
    private final Units.Builder units;
    private final GlobalCmvn cmvn;
    private final AudioOptions audio;
    private final FbankOptions fbank;
    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<FeatureExtractor> extractors;
    private final Deque<Future<float[][]>> window = new ArrayDeque<>();
    private final DataProblems problems = new DataProblems(100);
    private long utterances;

    Pass(Units.Builder units, GlobalCmvn cmvn, AudioOptions audio, FbankOptions fbank, int threads) {
      this.units = units;
      this.cmvn = cmvn;
      this.audio = audio;
      this.fbank = fbank;
      this.threads = threads;
      this.pool = Executors.newFixedThreadPool(cmvn == null ? 1 : threads, r -> {
        Thread t = new Thread(r, "shard-stats");
        t.setDaemon(true);
        return t;
      });
      this.extractors = ThreadLocal.withInitial(() -> new FeatureExtractor(audio, fbank, 0L));
    }

    /** One utterance from the reader (on the calling thread). */
    void accept(ShardSample s) {
      utterances++;
      if (units != null) {
        units.add(s.text());
      }
      if (cmvn == null) {
        return;
      }
      window.add(pool.submit(() -> features(s)));
      try {
        while (window.size() > 2 * threads) {
          settle();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      }
    }

    void drain() throws InterruptedException {
      while (!window.isEmpty()) {
        settle();
      }
    }

    /** Adds the oldest utterance of the window (archive order, so the sums do not depend on the threads). */
    private void settle() throws InterruptedException {
      float[][] feats;
      try {
        feats = window.removeFirst().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("feature extraction failed: " + e.getCause(), e.getCause());
      }
      if (feats != null) {
        cmvn.accumulate(feats);
      }
    }

    /** Features of one utterance, or null (reported by shard and member) when its audio is unusable. */
    private float[][] features(ShardSample s) {
      Path member = Path.of(s.audioMember());
      try {
        // with dither, each utterance its own seed (as for a data directory): the sums do not depend on the thread
        FeatureExtractor x = fbank.dither() > 0 ? new FeatureExtractor(audio, fbank, s.key().hashCode())
            : extractors.get();
        Audio a = AudioReader.decode(member, s.audio(), new AudioOptions(audio.channel(), fbank.sampleRate(),
            audio.resample()));
        return x.compute(member, a);
      } catch (InputException | IllegalArgumentException e) {
        problems.add(s.shard() + ": " + e.getMessage() + "; utterance " + s.key() + " skipped");
        return null;
      }
    }
  }
}
