package org.asr3m.shards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.asr3m.data.LengthFilter;
import org.asr3m.data.UnkCounter;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.SpecAugment;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.train.Augmentation;
import org.asr3m.train.EpochBatches;
import org.asr3m.train.PaddedBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches are a function of (seed, epoch): not of thread count, and a skipped prefix leaves the rest unchanged. */
class ShardStreamTest {
  @TempDir
  static Path tmp;

  static List<String> shards;

  @BeforeAll
  static void makeShards() throws Exception {
    Path data = TinyCorpus.dataDir(tmp.resolve("data"), 6); // 18 utterances in 6 shards
    MakeShards.run(data, tmp.resolve("shards"), 3, 2);
    shards = ShardList.read(tmp.resolve("shards/shards.list"));
  }

  private static ShardStream stream(int threads, int rank, int world) {
    return stream(new LoaderSettings(true, 7, 5, 900, threads, 2, rank, world));
  }

  private static ShardStream stream(LoaderSettings settings) {
    Augmentation aug = new Augmentation(ShardStream.audioOptions(), FbankOptions.WENET.withDither(1.0),
        SpeedPerturb.DEFAULT, new SpecAugment(2, 10, 2, 20), null, null, null, 42);
    return new ShardStream(shards, new ShardReader(new UrlShardSource(), 0, 1), ShardBadInputTest.units(),
        new UnkCounter(), aug, new LengthFilter(10, 2000, 1, 100), settings);
  }

  private static List<PaddedBatch> epoch(ShardStream s, int epoch, int skip) {
    List<PaddedBatch> out = new ArrayList<>();
    try (EpochBatches e = s.open(epoch, skip)) {
      for (PaddedBatch b = e.next(); b != null; b = e.next()) {
        out.add(b);
      }
    }
    return out;
  }

  private static void assertSame(List<PaddedBatch> a, List<PaddedBatch> b) {
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).featLens()).as("batch " + i).containsExactly(b.get(i).featLens());
      assertThat(a.get(i).targets()).as("batch " + i).containsExactly(b.get(i).targets());
      assertThat(a.get(i).features()).as("batch " + i).containsExactly(b.get(i).features());
    }
  }

  @Test
  void anEpochIsTheSameWithOneOrThreeLoaderThreadsAndEveryUtteranceAppearsOnce() {
    List<PaddedBatch> one = epoch(stream(1, 0, 1), 3, 0);
    assertSame(epoch(stream(3, 0, 1), 3, 0), one);
    assertThat(one.stream().mapToInt(PaddedBatch::size).sum()).isEqualTo(18);
    // batches by padded frames
    assertThat(one).allSatisfy(b -> assertThat((long) b.maxFrames() * b.size() <= 900 || b.size() == 1).isTrue());
    assertThat(one.size()).isGreaterThan(3);
  }

  @Test
  void batchesAreCutFromTheSortedBufferButComeInShuffledOrder() {
    // one shuffle and one sort buffer hold all 18 utterances: sorted order would run shortest to longest
    ShardStream s = stream(new LoaderSettings(true, 32, 32, 900, 1, 2, 0, 1));
    int unsorted = 0;
    for (int epoch = 0; epoch < 3; epoch++) {
      List<PaddedBatch> batches = epoch(s, epoch, 0);
      assertThat(batches.stream().mapToInt(PaddedBatch::size).sum()).isEqualTo(18);
      List<long[]> lens = batches.stream().map(PaddedBatch::featLens).toList();
      List<long[]> byLength = new ArrayList<>(lens);
      byLength.sort(java.util.Comparator.comparingLong(l -> java.util.Arrays.stream(l).max().orElseThrow()));
      for (int i = 1; i < byLength.size(); i++) {
        // still length buckets: each batch is a contiguous run of the sorted utterances
        assertThat(java.util.Arrays.stream(byLength.get(i)).min().orElseThrow())
            .isGreaterThanOrEqualTo(java.util.Arrays.stream(byLength.get(i - 1)).max().orElseThrow());
      }
      if (!lens.equals(byLength)) {
        unsorted++;
      }
      assertSame(epoch(s, epoch, 0), batches);
    }
    assertThat(unsorted).as("epochs whose batches are not in length order").isGreaterThan(0);
  }

  @Test
  void epochsDifferAndSkippingReplaysTheSameTail() {
    ShardStream s = stream(2, 0, 1);
    List<PaddedBatch> e0 = epoch(s, 0, 0);
    List<PaddedBatch> e1 = epoch(s, 1, 0);
    assertThat(e1.get(0).features()).isNotEqualTo(e0.get(0).features());
    assertSame(epoch(s, 1, 3), e1.subList(3, e1.size()));
  }

  @Test
  void replicasReadDisjointShardsCoveringTheList() {
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (int rank = 0; rank < 3; rank++) {
      List<String> mine = stream(1, rank, 3).shardsOf(5);
      total += mine.size();
      seen.addAll(mine);
    }
    assertThat(total).isEqualTo(shards.size());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(shards);
    assertThat(shards).hasSize(6);
    Set<List<String>> orders = new HashSet<>();
    for (int epoch = 0; epoch < 6; epoch++) {
      orders.add(stream(1, 0, 3).shardsOf(epoch));
    }
    assertThat(orders).as("rank 0's shards change with the epoch").hasSizeGreaterThan(1);
  }
}
