package org.asr3m.platform.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison table as CSV (RFC 4180, for spreadsheets) and as Markdown (for papers and
 * READMEs: best CER per column in bold, relative change against the baseline in parentheses).
 */
final class CompareText {
  private CompareText() {}

  static String csv(CompareTable t) {
    StringBuilder sb = new StringBuilder();
    List<String> head = new ArrayList<>(List.of("run", "name", "model_type", "experts", "parameters", "flops_per_second",
        "status", "baseline"));
    for (var c : t.columns()) {
      head.add(c.key() + " cer");
      head.add(c.key() + " change_pct");
      head.add(c.key() + " best");
    }
    line(sb, head);
    for (var r : t.rows()) {
      List<String> v = new ArrayList<>(List.of(str(r.run()), str(r.name()), str(r.modelType()), str(r.experts()),
          str(r.parameters()), r.flopsPerSecond() == null ? "" : String.format(Locale.ROOT, "%.0f", r.flopsPerSecond()),
          r.status(), r.baseline() ? "true" : ""));
      for (var c : r.cells()) {
        v.add(c.cer() == null ? "" : String.format(Locale.ROOT, "%.2f", c.cer()));
        v.add(c.changePct() == null ? "" : String.format(Locale.ROOT, "%.1f", c.changePct()));
        v.add(c.cer() == null ? "" : Boolean.toString(c.best()));
      }
      line(sb, v);
    }
    return sb.toString();
  }

  static String markdown(CompareTable t) {
    StringBuilder sb = new StringBuilder();
    List<String> head = new ArrayList<>(List.of("Run", "Model", "Experts", "Params", "FLOPs/s", "Status"));
    List<String> align = new ArrayList<>(List.of("---:", "---", "---:", "---:", "---:", "---"));
    for (var c : t.columns()) {
      head.add(md(c.testSet()) + " " + md(c.mode()) + " CER %");
      align.add("---:");
    }
    sb.append("| ").append(String.join(" | ", head)).append(" |\n");
    sb.append("|").append(String.join("|", align)).append("|\n");
    for (var r : t.rows()) {
      List<String> v = new ArrayList<>();
      v.add(r.run() == null ? "" : r.run().toString());
      v.add(md(r.name() == null ? "" : r.name()) + (r.modelType() == null ? "" : " (" + md(r.modelType()) + ")")
          + (r.baseline() ? " *(baseline)*" : ""));
      v.add(str(r.experts()));
      v.add(r.parameters() == null ? "" : scaled(r.parameters(), ""));
      v.add(r.flopsPerSecond() == null ? "" : scaled(r.flopsPerSecond(), ""));
      v.add(r.status());
      for (var c : r.cells()) {
        if (c.cer() == null) {
          v.add("");
          continue;
        }
        String cer = String.format(Locale.ROOT, "%.2f", c.cer());
        String cell = c.best() ? "**" + cer + "**" : cer;
        if (c.changePct() != null && !r.baseline()) {
          cell += String.format(Locale.ROOT, " (%+.1f%%)", c.changePct());
        }
        v.add(cell);
      }
      sb.append("| ").append(String.join(" | ", v)).append(" |\n");
    }
    if (t.baseline() != null) {
      sb.append("\nIn parentheses: relative CER change against run ").append(t.baseline())
          .append(" (negative is better). Bold: lowest CER in the column.\n");
    } else {
      sb.append("\nBold: lowest CER in the column.\n");
    }
    return sb.toString();
  }

  /** 12.3M, 1.05G: the magnitudes of the paper's tables. */
  static String scaled(double v, String unit) {
    String[] suffix = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (Math.abs(v) >= 1000 && i < suffix.length - 1) {
      v /= 1000;
      i++;
    }
    return String.format(Locale.ROOT, i == 0 ? "%.0f%s%s" : "%.2f%s%s", v, suffix[i], unit);
  }

  private static void line(StringBuilder sb, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String v = values.get(i);
      if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    sb.append("\r\n");
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }
}
