package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.model.AsrModel;
import org.asr3m.model.ModelSize;
import org.asr3m.recipe.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "params", mixinStandardHelpOptions = true,
    description = {"Parameter count (per component) and inference FLOPs for one second of 16 kHz audio,",
        "computed from the recipe without allocating weights. FLOPs = 2 x multiply-accumulates of the",
        "encoder (subsampling, blocks incl. attention products) and the CTC projection; see README.",
        "",
        "  asr3m params recipes/wenetspeech/conformer.yaml",
        "  asr3m params --json recipes/tiny-cmn/conformer.yaml --units units.txt",
        ""})
final class ParamsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RECIPE", description = "Recipe YAML.")
  Path recipeFile;

  @Option(names = "--units", paramLabel = "UNITS_TXT",
      description = "units.txt giving the vocabulary size when the recipe has no output_dim.")
  Path units;

  @Option(names = "--json", description = "Print {\"params\":{\"total\":N,...},\"flops_per_second\":F}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Recipe recipe = Recipe.read(recipeFile);
    if (units != null) {
      recipe = recipe.withVocab(org.asr3m.data.Units.read(units).size());
    }
    AsrModel model = new AsrModel(recipe);
    Map<String, Long> params = ModelSize.parameters(model);
    long flops = ModelSize.flopsPerSecond(model);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("params", params);
      j.put("flops_per_second", flops);
      out.println(JsonMapper.builder().build().writeValueAsString(j));
      return 0;
    }
    out.printf("%s (vocabulary %d)%n", recipeFile, recipe.vocab());
    for (Map.Entry<String, Long> e : params.entrySet()) {
      out.printf("  %-22s %,15d  (%.2f M)%n", e.getKey(), e.getValue(), e.getValue() / 1e6);
    }
    out.printf("  %-22s %,15d  (%.2f G)%n", "FLOPs / second", flops, flops / 1e9);
    return 0;
  }
}
