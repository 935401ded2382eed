package org.asr3m.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.asr3m.io.InputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Global cepstral mean and variance normalisation in WeNet's {@code global_cmvn} JSON format:
 * {@code mean_stat} = Σx, {@code var_stat} = Σx², {@code frame_num} = number of frames.
 * Statistics accumulate in double precision and merge, so shards of a corpus can be counted on
 * separate threads and added up.
 */
public final class GlobalCmvn {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  /** WeNet floors the variance at this value before taking 1/sqrt. */
  private static final double VARIANCE_FLOOR = 1.0e-20;

  private final double[] sum;
  private final double[] sumSquares;
  private long frames;

  public GlobalCmvn(int dim) {
    this.sum = new double[dim];
    this.sumSquares = new double[dim];
  }

  private GlobalCmvn(double[] sum, double[] sumSquares, long frames) {
    this.sum = sum;
    this.sumSquares = sumSquares;
    this.frames = frames;
  }

  public int dim() {
    return sum.length;
  }

  public long frameCount() {
    return frames;
  }

  public void accumulate(float[][] feats) {
    for (float[] row : feats) {
      if (row.length != sum.length) {
        throw new IllegalArgumentException("feature dimension " + row.length + " != CMVN dimension " + sum.length);
      }
      for (int d = 0; d < row.length; d++) {
        double v = row[d];
        sum[d] += v;
        sumSquares[d] += v * v;
      }
    }
    frames += feats.length;
  }

  public void merge(GlobalCmvn other) {
    if (other.dim() != dim()) {
      throw new IllegalArgumentException("cannot merge CMVN of dimension " + other.dim() + " into " + dim());
    }
    for (int d = 0; d < sum.length; d++) {
      sum[d] += other.sum[d];
      sumSquares[d] += other.sumSquares[d];
    }
    frames += other.frames;
  }

  public double[] mean() {
    requireFrames();
    double[] mean = new double[sum.length];
    for (int d = 0; d < mean.length; d++) {
      mean[d] = sum[d] / frames;
    }
    return mean;
  }

  /** 1/σ per dimension, with WeNet's variance floor. */
  public double[] inverseStd() {
    double[] mean = mean();
    double[] istd = new double[sum.length];
    for (int d = 0; d < istd.length; d++) {
      double var = Math.max(sumSquares[d] / frames - mean[d] * mean[d], VARIANCE_FLOOR);
      istd[d] = 1.0 / Math.sqrt(var);
    }
    return istd;
  }

  /** Normalises in place: (x − μ)/σ. */
  public void apply(float[][] feats) {
    double[] mean = mean();
    double[] istd = inverseStd();
    for (float[] row : feats) {
      for (int d = 0; d < row.length; d++) {
        row[d] = (float) ((row[d] - mean[d]) * istd[d]);
      }
    }
  }

  public void write(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mean_stat", sum);
    json.put("var_stat", sumSquares);
    json.put("frame_num", frames);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, JSON.writeValueAsString(json));
  }

  public static GlobalCmvn read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new InputException(file, "CMVN file not found");
    } catch (IOException | JacksonException e) {
      throw new InputException(file, 0, "not a valid global_cmvn JSON file: " + e.getMessage(), e);
    }
    double[] mean = vector(file, root, "mean_stat");
    double[] var = vector(file, root, "var_stat");
    if (mean.length != var.length || mean.length == 0) {
      throw new InputException(file, "mean_stat has " + mean.length + " values but var_stat has " + var.length);
    }
    JsonNode n = root.get("frame_num");
    if (n == null || !n.isNumber() || n.asDouble() <= 0) {
      throw new InputException(file, "field frame_num must be a positive number");
    }
    return new GlobalCmvn(mean, var, (long) n.asDouble());
  }

  private static double[] vector(Path file, JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || !node.isArray()) {
      throw new InputException(file, "field " + field + " must be an array of numbers");
    }
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = node.get(i);
      if (!x.isNumber()) {
        throw new InputException(file, "field " + field + "[" + i + "] is not a number");
      }
      v[i] = x.asDouble();
    }
    return v;
  }

  private void requireFrames() {
    if (frames == 0) {
      throw new IllegalStateException("CMVN statistics are empty: no frames were accumulated");
    }
  }
}
