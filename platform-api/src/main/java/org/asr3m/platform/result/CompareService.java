package org.asr3m.platform.result;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.asr3m.platform.sweep.SweepService;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.recipe.Recipe;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Builds the CER comparison table from the runs and results tables. */
@Service
public class CompareService {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;
  private final SweepService sweeps;

  CompareService(JdbcClient jdbc, SweepService sweeps) {
    this.jdbc = jdbc;
    this.sweeps = sweeps;
  }

  /** Which runs to compare: exactly one of the three. */
  public record Selection(List<Long> runs, Long sweep, Long experiment) {}

  private record Source(Long run, String label, String fallbackName, String fallbackModel, Integer fallbackExperts) {}

  private record RunInfo(long id, String name, String status, String modelType, Integer experts, Long parameters,
      Double flopsPerSecond, Long experiment, String recipe, String testData) {}

  private record Result(String testSet, String mode, double cer, long refChars, long substitutions, long deletions,
      long insertions, int utterances) {}

  public CompareTable compare(Selection sel, Long baseline) {
    int given = (sel.runs() == null || sel.runs().isEmpty() ? 0 : 1) + (sel.sweep() == null ? 0 : 1)
        + (sel.experiment() == null ? 0 : 1);
    if (given != 1) {
      throw new ValidationException("choose the runs to compare", List.of(new ValidationException.FieldError("runs", null,
          "give exactly one of runs=1,2,3, sweep=ID or experiment=ID")));
    }
    List<Source> sources = new ArrayList<>();
    if (sel.runs() != null && !sel.runs().isEmpty()) {
      new LinkedHashSet<>(sel.runs()).forEach(id -> sources.add(new Source(id, null, null, null, null)));
    } else if (sel.sweep() != null) {
      for (var p : sweeps.points(sel.sweep())) {
        sources.add(new Source(p.run(), p.label(), p.label(), p.modelType(), p.experts()));
      }
    } else {
      if (jdbc.sql("select count(*) from experiments where id = ?").param(sel.experiment()).query(Long.class).single() == 0) {
        throw new NotFoundException("experiment", sel.experiment());
      }
      jdbc.sql("select id from runs where experiment_id = ? order by id").param(sel.experiment()).query(Long.class).list()
          .forEach(id -> sources.add(new Source(id, null, null, null, null)));
    }

    Map<Long, RunInfo> info = new LinkedHashMap<>();
    Map<Long, List<Result>> results = new LinkedHashMap<>();
    for (Source s : sources) {
      if (s.run() == null) {
        continue;
      }
      RunInfo r = jdbc.sql("select id, name, status, model_type, num_experts, parameters, flops_per_second, experiment_id,"
              + " recipe, test_data from runs where id = ?").param(s.run())
          .query((rs, i) -> new RunInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getObject(5, Integer.class), rs.getObject(6, Long.class), rs.getObject(7, Double.class),
              rs.getObject(8, Long.class), rs.getString(9), rs.getString(10)))
          .optional().orElseThrow(() -> new NotFoundException("run", s.run()));
      info.put(r.id(), r);
      results.put(r.id(), jdbc.sql("select * from results where run_id = ?").param(r.id())
          .query((rs, i) -> new Result(rs.getString("test_set"), rs.getString("decode_mode"), rs.getDouble("cer"),
              rs.getLong("ref_chars"), rs.getLong("substitutions"), rs.getLong("deletions"), rs.getLong("insertions"),
              rs.getInt("utterances"))).list());
    }
    if (baseline != null && !info.containsKey(baseline)) {
      throw new ValidationException("the baseline is not one of the compared runs", List.of(
          new ValidationException.FieldError("baseline", null, "run " + baseline + " is not among the compared runs "
              + info.keySet())));
    }

    List<String[]> columns = columns(info.values(), results);
    List<CompareTable.Row> rows = new ArrayList<>();
    Map<String, Result> base = new LinkedHashMap<>();
    if (baseline != null) {
      results.get(baseline).forEach(r -> base.put(key(r.testSet(), r.mode()), r));
    }
    // best per column first, so each cell can carry its flag
    Map<String, Double> best = new LinkedHashMap<>();
    results.values().forEach(list -> list.forEach(r -> best.merge(key(r.testSet(), r.mode()), r.cer(), Math::min)));
    for (Source s : sources) {
      RunInfo r = s.run() == null ? null : info.get(s.run());
      Map<String, Result> mine = new LinkedHashMap<>();
      if (r != null) {
        results.get(r.id()).forEach(x -> mine.put(key(x.testSet(), x.mode()), x));
      }
      List<CompareTable.Cell> cells = new ArrayList<>();
      for (String[] c : columns) {
        String k = key(c[0], c[1]);
        Result x = mine.get(k);
        if (x == null) {
          cells.add(new CompareTable.Cell(c[0], c[1], null, null, false, null, null, null, null, null));
          continue;
        }
        Result b = base.get(k);
        Double change = b == null || b.cer() == 0 ? null : 100.0 * (x.cer() - b.cer()) / b.cer();
        cells.add(new CompareTable.Cell(c[0], c[1], x.cer(), change, Math.abs(x.cer() - best.get(k)) < 1e-9, x.refChars(),
            x.substitutions(), x.deletions(), x.insertions(), x.utterances()));
      }
      if (r == null) {
        rows.add(new CompareTable.Row(null, s.fallbackName(), s.label(), null, s.fallbackModel(), s.fallbackExperts(), null,
            null, "PLANNED", false, cells));
      } else {
        rows.add(new CompareTable.Row(r.id(), r.name(), s.label(), r.experiment(), r.modelType(), r.experts(),
            r.parameters(), r.flopsPerSecond(), r.status(), baseline != null && baseline == r.id(), cells));
      }
    }
    List<CompareTable.Column> cols = new ArrayList<>();
    for (String[] c : columns) {
      String k = key(c[0], c[1]);
      Double b = best.get(k);
      List<Long> bestRuns = new ArrayList<>();
      if (b != null) {
        results.forEach((run, list) -> list.forEach(x -> {
          if (key(x.testSet(), x.mode()).equals(k) && Math.abs(x.cer() - b) < 1e-9) {
            bestRuns.add(run);
          }
        }));
      }
      cols.add(new CompareTable.Column(k, c[0], c[1], b, bestRuns));
    }
    return new CompareTable(baseline, cols, rows);
  }

  /**
   * Test sets × modes: those the runs declare (test sets of the run, decode_modes of its recipe)
   * and those with results, test sets in order of first appearance, modes in the recipe format's order.
   */
  private static List<String[]> columns(Iterable<RunInfo> runs, Map<Long, List<Result>> results) {
    Set<String> testSets = new LinkedHashSet<>();
    Set<String> pairs = new LinkedHashSet<>();
    for (RunInfo r : runs) {
      List<String> modes = List.of();
      try {
        modes = Recipe.fromYaml(Path.of("run " + r.id()), r.recipe()).pipeline().decodeModes();
      } catch (RuntimeException e) {
        // a recipe this version cannot read any more: only its results give columns
      }
      Map<String, String> tests = r.testData() == null || r.testData().isBlank() ? Map.of()
          : JSON.readValue(r.testData(), new TypeReference<LinkedHashMap<String, String>>() {});
      for (String t : tests.keySet()) {
        testSets.add(t);
        for (String m : modes) {
          pairs.add(key(t, m));
        }
      }
      for (Result x : results.get(r.id())) {
        testSets.add(x.testSet());
        pairs.add(key(x.testSet(), x.mode()));
      }
    }
    List<String> testOrder = new ArrayList<>(testSets);
    List<String[]> out = new ArrayList<>();
    for (String p : pairs) {
      int i = p.lastIndexOf('/');
      out.add(new String[] {p.substring(0, i), p.substring(i + 1)});
    }
    out.sort(Comparator.comparingInt((String[] c) -> testOrder.indexOf(c[0])).thenComparingInt(c -> {
      int i = Recipe.DECODE_MODES.indexOf(c[1]);
      return i < 0 ? Integer.MAX_VALUE : i;
    }).thenComparing(c -> c[1]));
    return out;
  }

  static String key(String testSet, String mode) {
    return testSet + "/" + mode;
  }
}
