package org.asr3m.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.io.InputException;
import org.asr3m.loss.CtcLoss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "ctc-loss", mixinStandardHelpOptions = true,
    description = {"Evaluate the CTC loss and its gradient on JSON input, so the implementation can be checked",
        "from outside the JVM (e.g. against torch.nn.functional.ctc_loss). Computed in float64; blank id 0.",
        "",
        "Input:  {\"cases\":[{\"logits\":[[[...V]...T]...B], \"input_lengths\":[...B],",
        "                    \"targets\":[[...]...B], \"target_lengths\":[...B]}]}   (logits unnormalised)",
        "Output: {\"cases\":[{\"losses\":[...B], \"grads\":[[[...V]...T]...B]}]}",
        "        losses are -log P (\"inf\" when no alignment exists); grads are d(sum of finite losses)/d logits.",
        ""})
final class CtcLossCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "CASES_JSON", description = "Input cases.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "OUT_JSON", description = "Where to write losses and gradients.")
  Path output;

  @Override
  public Integer call() throws Exception {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(input));
    } catch (NoSuchFileException e) {
      throw new InputException(input, "file not found");
    } catch (JacksonException e) {
      throw new InputException(input, 0, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode cases = root.path("cases");
    if (!cases.isArray() || cases.isEmpty()) {
      throw new InputException(input, "field cases must be a non-empty array");
    }
    List<Object> results = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      for (int c = 0; c < cases.size(); c++) {
        results.add(evaluate(m, cases.get(c), "cases[" + c + "]"));
      }
    }
    FbankCommand.createParent(output);
    Files.writeString(output, JSON.writeValueAsString(Map.of("cases", results)));
    spec.commandLine().getOut().printf("%d case(s) -> %s%n", cases.size(), output);
    return 0;
  }

  private Map<String, Object> evaluate(NDManager m, JsonNode c, String where) {
    JsonNode logits = c.path("logits");
    if (!logits.isArray() || logits.isEmpty() || !logits.get(0).isArray() || !logits.get(0).get(0).isArray()) {
      throw new InputException(input, where + ".logits must be a B x T x V array of numbers");
    }
    int b = logits.size();
    int t = logits.get(0).size();
    int v = logits.get(0).get(0).size();
    double[] z = new double[b * t * v];
    for (int i = 0; i < b; i++) {
      JsonNode rows = logits.get(i);
      if (rows.size() != t) {
        throw new InputException(input, where + ".logits[" + i + "] has " + rows.size() + " frames, expected " + t);
      }
      for (int j = 0; j < t; j++) {
        JsonNode row = rows.get(j);
        if (row.size() != v) {
          throw new InputException(input, where + ".logits[" + i + "][" + j + "] has " + row.size()
              + " values, expected " + v);
        }
        for (int k = 0; k < v; k++) {
          z[(i * t + j) * v + k] = number(row.get(k), where + ".logits[" + i + "][" + j + "][" + k + "]");
        }
      }
    }
    long[] inLens = longs(c.path("input_lengths"), b, where + ".input_lengths");
    long[] tgtLens = longs(c.path("target_lengths"), b, where + ".target_lengths");
    JsonNode targets = c.path("targets");
    if (!targets.isArray() || targets.size() != b) {
      throw new InputException(input, where + ".targets must have one list per utterance (" + b + ")");
    }
    int maxL = 0;
    for (long l : tgtLens) {
      maxL = (int) Math.max(maxL, l);
    }
    long[] tg = new long[b * Math.max(maxL, 1)];
    for (int i = 0; i < b; i++) {
      if (inLens[i] < 0 || inLens[i] > t) {
        throw new InputException(input, where + ".input_lengths[" + i + "] = " + inLens[i] + " is outside 0.." + t);
      }
      JsonNode y = targets.get(i);
      if (y.size() < tgtLens[i]) {
        throw new InputException(input, where + ".targets[" + i + "] has " + y.size() + " labels but target_lengths says "
            + tgtLens[i]);
      }
      for (int j = 0; j < tgtLens[i]; j++) {
        long label = (long) number(y.get(j), where + ".targets[" + i + "][" + j + "]");
        if (label < 1 || label >= v) {
          throw new InputException(input, where + ".targets[" + i + "][" + j + "] = " + label
              + " must be a label id in 1.." + (v - 1) + " (0 is the blank)");
        }
        tg[i * Math.max(maxL, 1) + j] = label;
      }
    }
    try (NDManager s = m.newSubManager()) {
      NDArray logitsNd = s.create(z, new Shape(b, t, v));
      CtcLoss.Result r = CtcLoss.compute(logitsNd, s.create(inLens), s.create(tg, new Shape(b, Math.max(maxL, 1))),
          s.create(tgtLens));
      double[] losses = r.losses().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] g = r.gradient().toType(DataType.FLOAT64, false).toDoubleArray();
      List<Object> lossOut = new ArrayList<>();
      for (double l : losses) {
        lossOut.add(Double.isInfinite(l) ? "inf" : l);
      }
      double[][][] grads = new double[b][t][v];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          System.arraycopy(g, (i * t + j) * v, grads[i][j], 0, v);
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("losses", lossOut);
      out.put("grads", grads);
      return out;
    }
  }

  private double number(JsonNode n, String where) {
    if (n == null || !n.isNumber()) {
      throw new InputException(input, where + " must be a number");
    }
    return n.asDouble();
  }

  private long[] longs(JsonNode n, int b, String where) {
    if (!n.isArray() || n.size() != b) {
      throw new InputException(input, where + " must be an array of " + b + " integers");
    }
    long[] out = new long[b];
    for (int i = 0; i < b; i++) {
      out[i] = (long) number(n.get(i), where + "[" + i + "]");
    }
    return out;
  }
}
