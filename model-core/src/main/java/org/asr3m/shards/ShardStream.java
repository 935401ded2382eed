package org.asr3m.shards;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.asr3m.audio.Audio;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.data.CharTokenizer;
import org.asr3m.data.LengthFilter;
import org.asr3m.data.UnkCounter;
import org.asr3m.data.Units;
import org.asr3m.io.InputException;
import org.asr3m.train.Augmentation;
import org.asr3m.train.BatchSource;
import org.asr3m.train.DataSummary;
import org.asr3m.train.EpochBatches;
import org.asr3m.train.LoaderEpoch;
import org.asr3m.train.PaddedBatch;

/**
 * Training batches streamed from shards the way WeNet's shard dataset makes them: shard order shuffled
 * per epoch and split among replicas, members grouped into utterances, a length filter, a shuffle
 * buffer, a length-sorting buffer, then batches cut by padded frames, their order shuffled within each
 * sorting buffer. Every choice is seeded by
 * (seed, epoch), so an epoch's batches are a function of them and a resumed run replays the epoch,
 * skipping the batches already trained on.
 *
 * <p>Loader threads decode each utterance to learn its length (in archive order, a bounded window
 * ahead), and later decode it again and compute its augmented features when its batch is built. Memory
 * holds at most the encoded audio of {@link LoaderSettings#bufferedUtterances()} utterances plus
 * {@code prefetch} batches, whatever the corpus size.
 */
public final class ShardStream implements BatchSource {
  private final List<String> shards;
  private final ShardReader reader;
  private final Units units;
  private final UnkCounter unknown;
  private final Augmentation augmentation;
  private final LengthFilter filter;
  private final LoaderSettings settings;

  /** A decoded-once utterance waiting in the buffers: its encoded audio, targets and feature frames. */
  private record Pending(ShardSample sample, int[] tokens, int frames) {}

  public ShardStream(List<String> shards, ShardReader reader, Units units, UnkCounter unknown,
      Augmentation augmentation, LengthFilter filter, LoaderSettings settings) {
    this.shards = List.copyOf(shards);
    this.reader = reader;
    this.units = units;
    this.unknown = unknown;
    this.augmentation = augmentation;
    this.filter = filter;
    this.settings = settings;
  }

  /** The shards replica {@code settings.rank()} reads in {@code epoch}, in reading order. */
  public List<String> shardsOf(int epoch) {
    List<String> order = new ArrayList<>(shards);
    if (settings.shuffle()) {
      Collections.shuffle(order, new Random(augmentation.seed() * 1_000_003L + epoch));
    }
    List<String> mine = new ArrayList<>();
    for (int i = settings.rank(); i < order.size(); i += settings.worldSize()) {
      mine.add(order.get(i));
    }
    return mine;
  }

  public LoaderSettings settings() {
    return settings;
  }

  /** The same stream read with other loader settings (threads, prefetch, replica). */
  public ShardStream with(LoaderSettings other) {
    return new ShardStream(shards, reader, units, unknown, augmentation, filter, other);
  }

  @Override
  public EpochBatches open(int epoch, int skip) {
    List<String> mine = shardsOf(epoch);
    DataProblems problems = new DataProblems(100);
    AtomicLong utterances = new AtomicLong();
    AtomicLong filtered = new AtomicLong();
    AtomicInteger shardsRead = new AtomicInteger();
    return new LoaderEpoch("shards", settings.threads(), settings.prefetch(), -1,
        () -> new DataSummary(utterances.get(), shardsRead.get(), filtered.get(), problems.count(),
            problems.messages()),
        loader -> new Planner(loader, epoch, skip, problems, utterances, filtered).run(mine, shardsRead));
  }

  /** The planning thread of one epoch: the buffers and the batch being cut. */
  private final class Planner {
    private final LoaderEpoch loader;
    private final int epoch;
    private final int skip;
    private final DataProblems problems;
    private final AtomicLong utterances;
    private final AtomicLong filtered;
    private final Random shuffleRandom;
    private final Deque<Future<Pending>> window = new ArrayDeque<>();
    private final List<Pending> shuffleBuffer = new ArrayList<>();
    private final List<Pending> sortBuffer = new ArrayList<>();
    private List<Pending> batch = new ArrayList<>();
    private int longest;
    private int batchIndex;

    Planner(LoaderEpoch loader, int epoch, int skip, DataProblems problems, AtomicLong utterances,
        AtomicLong filtered) {
      this.loader = loader;
      this.epoch = epoch;
      this.skip = skip;
      this.problems = problems;
      this.utterances = utterances;
      this.filtered = filtered;
      this.shuffleRandom = new Random(augmentation.seed() * 1_000_003L + epoch + 0x5DEECE66DL);
    }

    void run(List<String> mine, AtomicInteger shardsRead) throws Exception {
      for (String shard : mine) {
        reader.read(shard, sample -> {
          try {
            add(sample);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("loader stopped");
          }
        }, problems);
        shardsRead.incrementAndGet();
      }
      while (!window.isEmpty()) {
        settle();
      }
      if (settings.shuffle()) {
        Collections.shuffle(shuffleBuffer, shuffleRandom);
      }
      sortBuffer.addAll(shuffleBuffer);
      shuffleBuffer.clear();
      drainSorted();
      if (!batch.isEmpty()) {
        emit(batch);
      }
    }

    /** Decodes on a loader thread, in order: at most 2 × threads utterances are in flight. */
    void add(ShardSample sample) throws InterruptedException {
      window.add(loader.submit(() -> measure(sample)));
      while (window.size() > 2 * settings.threads()) {
        settle();
      }
    }

    private void settle() throws InterruptedException {
      Pending p;
      try {
        p = window.removeFirst().get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
      if (p == null) {
        return;
      }
      if (!settings.shuffle()) {
        sortBuffer.add(p);
        if (sortBuffer.size() >= settings.sortSize()) {
          drainSorted();
        }
        return;
      }
      shuffleBuffer.add(p);
      if (shuffleBuffer.size() >= settings.shuffleSize()) {
        Collections.shuffle(shuffleBuffer, shuffleRandom);
        for (Pending q : shuffleBuffer) {
          sortBuffer.add(q);
          if (sortBuffer.size() >= settings.sortSize()) {
            drainSorted();
          }
        }
        shuffleBuffer.clear();
      }
    }

    /** Length of one utterance, or null (reported) when it cannot be used. */
    private Pending measure(ShardSample s) {
      AudioOptions options = augmentation.audioOptions();
      long samples = -1;
      int rate = options.targetRate();
      try {
        if (rate > 0) {
          // the header says how long a WAV or FLAC member is; decoding it here as well as in build()
          // cost the loader a tenth of its time
          samples = AudioReader.samples(Path.of(s.audioMember()), s.audio(), options);
        }
      } catch (InputException e) {
        problems.add(s.shard() + ": " + e.getMessage());
        return null;
      }
      if (samples < 0) {
        try {
          Audio audio = decode(s);
          samples = audio.samples().length;
          rate = audio.sampleRate();
        } catch (InputException e) {
          problems.add(e.getMessage());
          return null;
        }
      }
      int[] tokens = CharTokenizer.encode(s.text(), units, unknown);
      int frames = augmentation.fbank().numFrames(Math.toIntExact(samples));
      if (frames < filter.minFrames() || frames > filter.maxFrames() || tokens.length < filter.minTokens()
          || tokens.length > filter.maxTokens() || frames == 0) {
        filtered.incrementAndGet();
        return null;
      }
      int perturbed = augmentation.frames(s.key(), Math.toIntExact(samples), rate, epoch);
      if (perturbed == 0) {
        filtered.incrementAndGet();
        return null;
      }
      return new Pending(s, tokens, perturbed);
    }

    /**
     * Sorts the sort buffer by length and cuts it into batches (WeNet's sort, then dynamic batching), then
     * shuffles the order of this buffer's full batches, as the data-dir sampler does: in sorted order each
     * buffer would run from its shortest batch to its longest, a length curriculum repeated every
     * sort_buffer_size utterances that left the tiny-cmn Conformer 1.5 epochs behind on dev. The last,
     * partial batch stays open for the next buffer's utterances.
     */
    private void drainSorted() throws InterruptedException {
      List<List<Pending>> full = new ArrayList<>();
      if (settings.shuffle()) {
        sortBuffer.sort(Comparator.comparingInt(Pending::frames));
      }
      for (Pending p : sortBuffer) {
        int l = Math.max(longest, p.frames());
        if (!batch.isEmpty() && (long) l * (batch.size() + 1) > settings.maxFramesInBatch()) {
          full.add(batch);
          batch = new ArrayList<>();
          l = p.frames();
        }
        batch.add(p);
        longest = l;
      }
      sortBuffer.clear();
      if (settings.shuffle()) {
        Collections.shuffle(full, shuffleRandom);
      }
      for (List<Pending> b : full) {
        emit(b);
      }
    }

    private void emit(List<Pending> b) throws InterruptedException {
      if (batchIndex++ < skip) {
        return; // trained on before the checkpoint this run resumed from
      }
      utterances.addAndGet(b.size());
      loader.emit(() -> build(b));
    }

    private PaddedBatch build(List<Pending> b) {
      List<float[][]> feats = new ArrayList<>(b.size());
      List<int[]> tokens = new ArrayList<>(b.size());
      for (Pending p : b) {
        ShardSample s = p.sample();
        Audio audio;
        try {
          audio = decode(s);
        } catch (InputException e) {
          problems.add(e.getMessage()); // a corrupt payload behind a valid header: the batch goes on without it
          utterances.decrementAndGet();
          continue;
        }
        feats.add(augmentation.features(s.key(), Path.of(s.audioMember()), audio, epoch));
        tokens.add(p.tokens());
      }
      return PaddedBatch.of(feats, tokens, augmentation.fbank().numMelBins());
    }

    private Audio decode(ShardSample s) {
      try {
        return AudioReader.decode(Path.of(s.audioMember()), s.audio(), augmentation.audioOptions());
      } catch (InputException e) {
        throw new InputException(null, 0, s.shard() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Audio options of shard members: mono 16 kHz (resampled when a member has another rate). */
  public static AudioOptions audioOptions() {
    return new AudioOptions(-1, 16000, true);
  }
}
