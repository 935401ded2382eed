package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.audio.Audio;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.features.Fbank;
import org.asr3m.features.FeatureExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fbank", mixinStandardHelpOptions = true,
    description = {"Fbank throughput on a data dir: frames/s and real-time factor, one thread and all threads.",
        "Audio is decoded before timing, so only feature computation is measured (as the torchaudio",
        "comparison script tools/bench_torchaudio_fbank.py does)."})
final class BenchFbankCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  AudioMixin audio;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "recipes/tiny-cmn/data/train",
      description = "Kaldi data dir (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
      description = "Timed passes over the data; the fastest counts (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--threads", paramLabel = "N", description = "Threads for the parallel run (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    if (repeat < 1 || threads < 1) {
      throw new IllegalArgumentException("--repeat and --threads must be at least 1, got " + repeat + " and " + threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    KaldiDataDir dir = KaldiDataDir.load(dataDir);
    FeatureExtractor loader = new FeatureExtractor(audio.audioOptions(), audio.fbankOptions(), 0L);
    List<float[]> signals = new ArrayList<>();
    double seconds = 0;
    for (Utterance u : dir.utterances()) {
      Audio a = loader.load(u.audio(), u.startSec(), u.endSec());
      signals.add(a.samples());
      seconds += a.durationSeconds();
    }
    if (signals.isEmpty()) {
      throw new IllegalArgumentException(dataDir + ": no readable utterances to benchmark");
    }
    long frames = 0;
    for (float[] s : signals) {
      frames += audio.fbankOptions().numFrames(s.length);
    }
    out.printf("fbank benchmark: %d utterances, %.1f s of audio, %d frames, %d mel bins; FFT: %s%n",
        signals.size(), seconds, frames, audio.numMelBins, new Fbank(audio.fbankOptions()).fftDescription());
    pass(signals, 1); // warm-up: JIT compilation
    for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
      double best = Double.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        best = Math.min(best, pass(signals, t));
      }
      out.printf("threads=%d  time=%.3f s  frames/s=%.0f  RTF=%.5f  (x%.0f real time)%n", t, best, frames / best,
          best / seconds, seconds / best);
    }
    return 0;
  }

  /** One pass over all signals on {@code threads} threads; returns wall seconds. */
  private double pass(List<float[]> signals, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<Integer>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t;
        parts.add(pool.submit(() -> {
          Fbank fbank = new Fbank(audio.fbankOptions());
          int n = 0;
          for (int i = from; i < signals.size(); i += threads) {
            n += fbank.compute(signals.get(i)).length;
          }
          return n;
        }));
      }
      for (Future<Integer> p : parts) {
        Futures.get(p);
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }
}
