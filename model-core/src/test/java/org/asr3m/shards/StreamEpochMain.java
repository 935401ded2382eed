package org.asr3m.shards;

import java.nio.file.Path;
import org.asr3m.data.Units;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.BatchSource;
import org.asr3m.train.EpochBatches;
import org.asr3m.train.ExperimentData;
import org.asr3m.train.PaddedBatch;

/**
 * Reads one training epoch (all augmentation, no model) from a shard list or a data directory and prints
 * "utterances N frames F heap-peak-MiB H"; run in a JVM with a small -Xmx by {@link ShardMemoryTest}.
 */
public final class StreamEpochMain {
  private StreamEpochMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Recipe recipe = Recipe.read(Path.of(args[1]));
    Units units = Units.build(TinyCorpus.texts());
    recipe = recipe.withVocab(units.size());
    BatchSource source;
    if (ShardList.isShardList(data)) {
      source = ShardData.load(data, units, recipe, true, 0, 1, new UrlShardSource()).stream();
    } else {
      ExperimentData d = ExperimentData.load(data, units, recipe, true);
      source = d.data().source(d.plan(), recipe.data().numWorkers(), recipe.data().prefetch());
    }
    long utterances = 0;
    long frames = 0;
    long peak = 0;
    try (EpochBatches e = source.open(0, 0)) {
      for (PaddedBatch b = e.next(); b != null; b = e.next()) {
        utterances += b.size();
        frames += b.frames();
        Runtime r = Runtime.getRuntime();
        peak = Math.max(peak, r.totalMemory() - r.freeMemory());
      }
    }
    System.out.printf("utterances %d frames %d heap-peak-MiB %d%n", utterances, frames, peak >> 20);
  }
}
