package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.recipe.Recipe;
import picocli.CommandLine.Option;

/** The benchmarks' recipe options: vocabulary, and a sweep over expert counts with ratios to the first. */
final class ExpertSweep {
  @Option(names = "--vocab", defaultValue = "0", paramLabel = "V",
      description = "Vocabulary size when the recipe has no output_dim.")
  int vocab;

  @Option(names = "--experts", split = ",", paramLabel = "N[,N…]",
      description = "Run an MoE recipe with each of these expert counts (same expert size) and print the ratios"
          + " to the first.")
  int[] experts;

  boolean active() {
    return experts != null;
  }

  /** The recipe once per expert count (just once, as written, without --experts), vocabulary applied. */
  List<Recipe> recipes(Path file) {
    Recipe recipe = Recipe.read(file);
    if (vocab > 0) {
      recipe = recipe.withVocab(vocab);
    }
    if (experts == null) {
      return List.of(recipe);
    }
    List<Recipe> out = new ArrayList<>();
    for (int n : experts) {
      out.add(recipe.withExperts(n));
    }
    return out;
  }

  /**
   * One row per expert count: each measured value (values[count][column], printed with
   * {@code format}) and its ratio to the first count's.
   */
  void printRatios(PrintWriter out, String what, String columns, String format, double[][] values) {
    out.println(what + " relative to " + experts[0] + " experts" + columns + ":");
    for (int c = 0; c < experts.length; c++) {
      StringBuilder sb = new StringBuilder(String.format("  %3d experts", experts[c]));
      for (int t = 0; t < values[c].length; t++) {
        sb.append("  ").append(String.format(format, values[c][t]))
            .append(String.format(" ratio %.3f", values[c][t] / values[0][t]));
      }
      out.println(sb);
    }
  }
}
