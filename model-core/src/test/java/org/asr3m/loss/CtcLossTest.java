package org.asr3m.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.Fixtures;
import org.asr3m.cli.Asr3m;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CTC loss against torch.nn.functional.ctc_loss (tools/gen_ctc_fixtures.py, float64): every case
 * run through the {@code asr3m ctc-loss} JSON interface. Losses within 1e-5 relative; gradients
 * within 1e-5 of max(|ref|, the case's largest |ref|) — a floor, because most entries are ~0.
 */
class CtcLossTest {
  private static final double TOLERANCE = 1e-5;

  @TempDir
  Path tmp;

  @Test
  void matchesPyTorchOnEveryFixtureCase() throws Exception {
    Path out = tmp.resolve("out.json");
    int code = Asr3m.run("ctc-loss", "--input", Fixtures.path("ctc/cases.json").toString(), "--output", out.toString());
    assertThat(code).isZero();
    var json = JsonMapper.builder().build();
    JsonNode want = json.readTree(Files.readString(Fixtures.path("ctc/cases.json"))).get("cases");
    JsonNode got = json.readTree(Files.readString(out)).get("cases");
    assertThat(got.size()).isEqualTo(want.size()).isGreaterThanOrEqualTo(6);
    int infinite = 0;
    for (int c = 0; c < want.size(); c++) {
      String name = want.get(c).path("name").asString();
      JsonNode wl = want.get(c).get("losses");
      JsonNode gl = got.get(c).get("losses");
      for (int b = 0; b < wl.size(); b++) {
        if (wl.get(b).isString()) {
          assertThat(gl.get(b).asString()).as(name + " loss " + b).isEqualTo("inf");
          infinite++;
        } else {
          double w = wl.get(b).asDouble();
          assertThat(Math.abs(gl.get(b).asDouble() - w)).as(name + " loss " + b)
              .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(w)));
        }
      }
      double[] wg = flatten(want.get(c).get("grads"));
      double[] gg = flatten(got.get(c).get("grads"));
      assertThat(gg).as(name).hasSameSizeAs(wg);
      double scale = 0;
      for (double v : wg) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < wg.length; i++) {
        assertThat(Math.abs(gg[i] - wg[i])).as(name + " grad " + i)
            .isLessThanOrEqualTo(TOLERANCE * Math.max(Math.abs(wg[i]), scale));
      }
    }
    assertThat(infinite).as("fixtures include infeasible alignments").isPositive();
  }

  /** The surrogate used in training carries exactly the analytic gradient, scaled by 1/B. */
  @Test
  void lossScalarBackpropagatesTheAnalyticGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.randomNormal(new Shape(2, 9, 5)).toType(DataType.FLOAT64, false);
      logits.setRequiresGradient(true);
      NDArray inLens = m.create(new long[] {9, 7});
      NDArray targets = m.create(new long[][] {{1, 2, 2}, {3, 0, 0}});
      NDArray tgtLens = m.create(new long[] {3, 1});
      CtcLoss.Result r = CtcLoss.compute(logits, inLens, targets, tgtLens);
      double value;
      try (var gc = Autograd.record()) {
        NDArray loss = CtcLoss.loss(logits, inLens, targets, tgtLens);
        value = loss.getDouble();
        gc.backward(loss);
      }
      double[] losses = r.losses().toDoubleArray();
      assertThat(value).isCloseTo((losses[0] + losses[1]) / 2, org.assertj.core.data.Offset.offset(1e-12));
      double[] expected = r.gradient().div(2).toDoubleArray();
      assertThat(logits.getGradient().toDoubleArray()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  /**
   * Training's form in float32, as the models call it: same gradient as the float64 reference
   * within float32 rounding, also when the loss's scratch arrays are closed and the garbage
   * collector ran before backward (autograd keeps the gather index and the weights it saved; made
   * from Java arrays they would live in direct buffers freed and reused by then — here reused by
   * NaN-filled arrays of the same sizes).
   */
  @Test
  void float32LossBackpropagatesAfterItsScratchIsCollected() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits64 = m.randomNormal(new Shape(3, 40, 11)).toType(DataType.FLOAT64, false);
      NDArray inLens = m.create(new long[] {40, 33, 12});
      NDArray targets = m.create(new long[][] {{1, 2, 2, 5, 7, 1}, {3, 3, 3, 0, 0, 0}, {4, 9, 10, 4, 0, 0}});
      NDArray tgtLens = m.create(new long[] {6, 3, 4});
      double[] want = CtcLoss.compute(logits64, inLens, targets, tgtLens).gradient().div(3).toDoubleArray();
      NDArray logits = logits64.toType(DataType.FLOAT32, false);
      logits.setRequiresGradient(true);
      try (var gc = Autograd.record()) {
        NDArray loss = CtcLoss.loss(logits, inLens, targets, tgtLens);
        for (int round = 0; round < 3; round++) {
          System.gc();
          Thread.sleep(20);
          try (NDManager junk = m.newSubManager()) {
            // the byte sizes of the index (3 × 1 × 13 longs) and of the weights (3 × 40 × 13 floats)
            double[] indexSized = new double[3 * 13];
            float[] weightsSized = new float[3 * 40 * 13];
            java.util.Arrays.fill(indexSized, Double.NaN);
            java.util.Arrays.fill(weightsSized, Float.NaN);
            junk.create(indexSized);
            junk.create(weightsSized);
          }
        }
        gc.backward(loss);
      }
      double[] got = logits.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      assertThat(got).containsExactly(want, org.assertj.core.data.Offset.offset(2e-6));
    }
  }

  @Test
  void malformedInputNamesTheField() throws Exception {
    Path in = Files.writeString(tmp.resolve("bad.json"),
        "{\"cases\":[{\"logits\":[[[0.1,0.2],[0.3,0.4]]],\"input_lengths\":[2],\"targets\":[[5]],\"target_lengths\":[1]}]}");
    var err = new java.io.StringWriter();
    int code = Asr3m.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
        "ctc-loss", "--input", in.toString(), "--output", tmp.resolve("o.json").toString());
    assertThat(code).isEqualTo(Asr3m.EXIT_BAD_INPUT);
    assertThat(Files.exists(tmp.resolve("o.json"))).isFalse();
    assertThat(err.toString()).contains("bad.json").contains("cases[0].targets[0][0] = 5")
        .contains("label id in 1..1").doesNotContain("Exception");
  }

  private static double[] flatten(JsonNode n) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    collect(n, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void collect(JsonNode n, java.util.List<Double> out) {
    if (n.isArray()) {
      for (JsonNode c : n) {
        collect(c, out);
      }
    } else {
      out.add(n.asDouble());
    }
  }
}
