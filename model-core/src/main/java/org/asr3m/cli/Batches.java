package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.audio.AudioOptions;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.features.ParallelExtraction;
import org.asr3m.io.InputException;
import org.asr3m.pipeline.FeaturePrep;
import org.asr3m.shards.ShardStats;

/** Shared pieces of the batch commands: utterance lists and the end-of-run problem report. */
final class Batches {
  private Batches() {}

  static List<ParallelExtraction.Item> items(KaldiDataDir dir) {
    return FeaturePrep.items(dir);
  }

  static Map<String, String> texts(KaldiDataDir dir) {
    Map<String, String> texts = new HashMap<>();
    for (Utterance u : dir.utterances()) {
      if (u.text() != null) {
        texts.put(u.id(), u.text());
      }
    }
    return texts;
  }

  /** CMVN statistics of a data directory and the exit code of its problem report. */
  record CmvnResult(GlobalCmvn stats, int exitCode) {}

  /**
   * Global CMVN over every readable utterance of {@code dir} (features on {@code threads} threads);
   * bad utterances are reported on {@code err} after the others were counted.
   */
  static CmvnResult cmvn(Path dir, AudioOptions audio, FbankOptions fbank, int threads, PrintWriter err)
      throws Exception {
    FeaturePrep.CmvnStats c = FeaturePrep.cmvn(dir, audio, fbank, threads);
    return new CmvnResult(c.stats(), report(err, c.dataProblems(), c.failures(), c.items() + c.dataProblems().size()));
  }

  /**
   * Prints every data-dir problem and every failed utterance after the good ones were written.
   *
   * @return 0 when nothing failed, {@link Asr3m#EXIT_PARTIAL} otherwise
   */
  static int report(PrintWriter err, List<InputException> problems, List<ParallelExtraction.Failure> failures,
      int total) {
    if (problems.isEmpty() && failures.isEmpty()) {
      return 0;
    }
    err.printf("%d of %d input(s) had problems and were skipped:%n", problems.size() + failures.size(), total);
    for (InputException p : problems) {
      err.println("  " + p.getMessage());
    }
    for (ParallelExtraction.Failure f : failures) {
      err.println("  " + f.id() + ": " + f.message());
    }
    err.flush();
    return Asr3m.EXIT_PARTIAL;
  }

  /** Lists the skipped shard members after the statistics were computed; the exit code says whether any were. */
  static int reportShardProblems(PrintWriter err, ShardStats.Result r) {
    if (r.problemCount() == 0) {
      return 0;
    }
    err.printf("%d bad input(s) in %d shard(s) skipped (%d utterances read):%n", r.problemCount(), r.shards(),
        r.utterances());
    r.problems().forEach(p -> err.println("  " + p));
    if (r.problemCount() > r.problems().size()) {
      err.printf("  … and %d more%n", r.problemCount() - r.problems().size());
    }
    err.flush();
    return Asr3m.EXIT_PARTIAL;
  }
}
