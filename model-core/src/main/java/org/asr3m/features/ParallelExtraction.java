package org.asr3m.features;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.audio.AudioOptions;
import org.asr3m.io.InputException;

/**
 * Extracts features of many utterances on several threads and hands them to a consumer in input
 * order (so shard contents are deterministic). A bad utterance does not stop the batch: it is
 * recorded as a failure and the rest go on.
 */
public final class ParallelExtraction {

  /** One utterance to extract. */
  public record Item(String id, Path audio, double startSec, double endSec) {}

  /** Receives each successfully extracted utterance, in input order, on the calling thread. */
  @FunctionalInterface
  public interface Sink {
    void accept(Item item, float[][] feats) throws Exception;
  }

  /** An utterance that could not be processed, with the reason (which names the file). */
  public record Failure(String id, String message) {}

  private final AudioOptions audioOptions;
  private final FbankOptions fbankOptions;
  private final int threads;

  public ParallelExtraction(AudioOptions audioOptions, FbankOptions fbankOptions, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    this.audioOptions = audioOptions;
    this.fbankOptions = fbankOptions;
    this.threads = threads;
  }

  /**
   * Runs the extraction; a sink exception aborts the run (it means output cannot be written),
   * an input problem only fails that utterance.
   */
  public List<Failure> run(List<Item> items, Sink sink) throws Exception {
    List<Failure> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    // each worker thread keeps its own extractor; with dither, each utterance gets its own seed so
    // the output does not depend on which thread ran it
    ThreadLocal<FeatureExtractor> extractors = ThreadLocal.withInitial(
        () -> new FeatureExtractor(audioOptions, fbankOptions, 0L));
    boolean dither = fbankOptions.dither() > 0;
    try {
      int window = threads * 8; // bounded look-ahead keeps memory flat on large corpora
      List<Future<float[][]>> pending = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < items.size(); i++) {
        while (next < items.size() && next < i + window) {
          Item item = items.get(next++);
          pending.add(pool.submit(() -> (dither
              ? new FeatureExtractor(audioOptions, fbankOptions, item.id().hashCode())
              : extractors.get()).extract(item.audio(), item.startSec(), item.endSec())));
        }
        Item item = items.get(i);
        float[][] feats;
        try {
          feats = pending.get(i).get();
          pending.set(i, null);
        } catch (ExecutionException e) {
          pending.set(i, null);
          Throwable cause = e.getCause();
          if (cause instanceof InputException || cause instanceof IllegalArgumentException) {
            failures.add(new Failure(item.id(), cause.getMessage()));
            continue;
          }
          throw new IllegalStateException("feature extraction of " + item.id() + " failed: " + cause, cause);
        }
        sink.accept(item, feats);
      }
    } finally {
      pool.shutdownNow();
    }
    return failures;
  }
}
