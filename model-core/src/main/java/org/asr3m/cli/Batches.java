package org.asr3m.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.features.ParallelExtraction;
import org.asr3m.io.InputException;

/** Shared pieces of the batch commands: utterance lists and the end-of-run problem report. */
final class Batches {
  private Batches() {}

  static List<ParallelExtraction.Item> items(KaldiDataDir dir) {
    List<ParallelExtraction.Item> items = new ArrayList<>();
    for (Utterance u : dir.utterances()) {
      items.add(new ParallelExtraction.Item(u.id(), u.audio(), u.startSec(), u.endSec()));
    }
    return items;
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
}
