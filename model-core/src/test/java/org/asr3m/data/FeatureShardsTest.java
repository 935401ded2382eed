package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureShardsTest {
  @TempDir
  Path dir;

  private static float[][] feats(Random r, int frames) {
    float[][] f = new float[frames][80];
    for (float[] row : f) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) r.nextGaussian();
      }
    }
    return f;
  }

  @Test
  void roundTripsBitExactAcrossSeveralShards() throws Exception {
    Random r = new Random(3);
    float[][][] all = new float[12][][];
    try (FeatureShards.Writer w = new FeatureShards.Writer(dir, 100_000)) { // ~3 utterances per shard
      for (int i = 0; i < all.length; i++) {
        all[i] = feats(r, 50 + i * 7);
        w.add("utt" + i, all[i], new int[] {i, i + 1});
      }
    }
    FeatureShards.Reader reader = FeatureShards.Reader.open(dir);
    assertThat(reader.entries()).hasSize(12);
    assertThat(reader.entries().stream().map(FeatureShards.Entry::shard).distinct().count()).isGreaterThan(2);
    for (int i = 0; i < all.length; i++) {
      FeatureShards.Record rec = reader.read(reader.entries().get(i));
      assertThat(rec.id()).isEqualTo("utt" + i);
      assertThat(rec.feats()).isDeepEqualTo(all[i]);
      assertThat(rec.tokens()).containsExactly(i, i + 1);
    }
  }

  @Test
  void truncatedShardIsDetectedAndNamed() throws Exception {
    try (FeatureShards.Writer w = new FeatureShards.Writer(dir, 1 << 20)) {
      w.add("a", feats(new Random(1), 40), new int[] {1});
    }
    Path shard = dir.resolve("shard-00000.bin");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> FeatureShards.Reader.open(dir)).isInstanceOf(InputException.class)
        .hasMessageContaining("shard-00000.bin").hasMessageContaining("truncated shard");
  }

  @Test
  void malformedIndexLineIsNamed() throws Exception {
    try (FeatureShards.Writer w = new FeatureShards.Writer(dir, 1 << 20)) {
      w.add("a", feats(new Random(1), 40), new int[] {1});
    }
    Files.writeString(dir.resolve("index.tsv"), Files.readString(dir.resolve("index.tsv")) + "oops\n");
    assertThatThrownBy(() -> FeatureShards.Reader.open(dir)).hasMessageContaining("index.tsv:2");
  }
}
