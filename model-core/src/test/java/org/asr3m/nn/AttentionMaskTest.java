package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.asr3m.train.Autograd;
import org.junit.jupiter.api.Test;

/**
 * The mask's bias-and-factor softmax against a softmax over the kept keys computed on the host:
 * masked keys get exactly 0, a query row with no key at all gets 0 everywhere (no NaN), and the
 * gradient reaches only kept scores, as with masked_fill(−∞) → softmax → masked_fill(0).
 */
class AttentionMaskTest {
  private static final int B = 2;
  private static final int H = 2;
  private static final int T1 = 3;
  private static final int T2 = 4;

  /** (B, T1, T2): row (0, 1) fully masked, row (1, 2) keeps only its last key. */
  private static boolean[] keep() {
    boolean[] k = new boolean[B * T1 * T2];
    Random r = new Random(5);
    for (int i = 0; i < k.length; i++) {
      k[i] = r.nextBoolean();
    }
    for (int j = 0; j < T2; j++) {
      k[(0 * T1 + 1) * T2 + j] = false;
      k[(1 * T1 + 2) * T2 + j] = j == T2 - 1;
    }
    k[0] = true; // row (0, 0) keeps at least one key
    return k;
  }

  private static double[] expected(float[] scores, boolean[] keep, float[] weights, double[] gradOut) {
    double[] p = new double[scores.length];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int i = 0; i < T1; i++) {
          int row = ((b * H + h) * T1 + i) * T2;
          int maskRow = (b * T1 + i) * T2;
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < T2; j++) {
            if (keep[maskRow + j]) {
              max = Math.max(max, scores[row + j]);
            }
          }
          double sum = 0;
          for (int j = 0; j < T2; j++) {
            p[row + j] = keep[maskRow + j] ? Math.exp(scores[row + j] - max) : 0;
            sum += p[row + j];
          }
          double dot = 0;
          for (int j = 0; j < T2; j++) {
            p[row + j] = sum == 0 ? 0 : p[row + j] / sum;
            dot += p[row + j] * weights[row + j];
          }
          for (int j = 0; j < T2; j++) { // softmax backward of Σ p·w
            gradOut[row + j] = p[row + j] * (weights[row + j] - dot);
          }
        }
      }
    }
    return p;
  }

  @Test
  void maskedKeysAndEmptyRowsGetZeroWeightAndZeroGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      boolean[] keep = keep();
      NDArray mask = m.create(keep, new Shape(B, T1, T2));
      NDArray scores = m.randomNormal(new Shape(B, H, T1, T2)).mul(3);
      NDArray weights = m.randomNormal(new Shape(B, H, T1, T2));
      double[] wantGrad = new double[B * H * T1 * T2];
      double[] want = expected(scores.toFloatArray(), keep, weights.toFloatArray(), wantGrad);
      scores.setRequiresGradient(true);
      float[] got;
      try (var gc = Autograd.record()) {
        NDArray attn = AttentionMask.of(mask, DataType.FLOAT32).softmax(scores);
        got = attn.toFloatArray();
        gc.backward(attn.mul(weights).sum());
      }
      float[] grad = scores.getGradient().toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertThat((double) got[i]).as("weight %d", i).isCloseTo(want[i], within(1e-6));
        assertThat((double) grad[i]).as("gradient %d", i).isCloseTo(wantGrad[i], within(1e-6));
        if (want[i] == 0) {
          assertThat(got[i]).as("masked weight %d is exactly 0", i).isEqualTo(0f);
          assertThat(grad[i]).as("masked gradient %d is exactly 0", i).isEqualTo(0f);
        }
      }
    }
  }

  @Test
  void halfPrecisionMasksWithoutOverflow() {
    try (NDManager m = NDManager.newBaseManager()) {
      boolean[] keep = keep();
      NDArray scores = m.randomNormal(new Shape(B, H, T1, T2)).mul(3);
      double[] want = expected(scores.toFloatArray(), keep, new float[B * H * T1 * T2], new double[B * H * T1 * T2]);
      NDArray attn = AttentionMask.of(m.create(keep, new Shape(B, T1, T2)), DataType.FLOAT16)
          .softmax(scores.toType(DataType.FLOAT16, false));
      assertThat(attn.getDataType()).isEqualTo(DataType.FLOAT16);
      float[] got = attn.toType(DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertThat((double) got[i]).as("weight %d", i).isCloseTo(want[i], within(2e-3));
        if (want[i] == 0) {
          assertThat(got[i]).as("masked weight %d", i).isEqualTo(0f);
        }
      }
    }
  }

  @Test
  void noMaskIsNull() {
    assertThat(AttentionMask.of(null, DataType.FLOAT32)).isNull();
  }
}
