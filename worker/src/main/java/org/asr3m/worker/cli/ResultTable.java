package org.asr3m.worker.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.worker.run.RunRepository;

/** A run's CER table as Markdown: one row per decoding mode, one column per test set. */
final class ResultTable {
  private ResultTable() {}

  static String markdown(String label, List<RunRepository.Result> results) {
    Set<String> sets = new LinkedHashSet<>();
    Map<String, Map<String, RunRepository.Result>> byMode = new LinkedHashMap<>();
    for (RunRepository.Result r : results) {
      sets.add(r.testSet());
      byMode.computeIfAbsent(r.mode(), k -> new LinkedHashMap<>()).put(r.testSet(), r);
    }
    StringBuilder sb = new StringBuilder("| run | decoding |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (String s : sets) {
      sb.append(' ').append(s).append(" CER % |");
      rule.append("---|");
    }
    sb.append('\n').append(rule).append('\n');
    for (var e : byMode.entrySet()) {
      List<String> cells = new ArrayList<>();
      for (String s : sets) {
        RunRepository.Result r = e.getValue().get(s);
        cells.add(r == null ? "–" : String.format("%.2f (S %d D %d I %d / N %d)", r.cer(), r.substitutions(),
            r.deletions(), r.insertions(), r.refChars()));
      }
      sb.append("| ").append(label).append(" | ").append(e.getKey()).append(" | ").append(String.join(" | ", cells))
          .append(" |\n");
    }
    return sb.toString();
  }
}
