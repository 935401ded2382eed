package org.asr3m.shards;

import java.nio.file.Path;
import java.util.List;
import org.asr3m.data.LengthFilter;
import org.asr3m.data.UnkCounter;
import org.asr3m.data.Units;
import org.asr3m.features.SpeedPerturb;
import org.asr3m.recipe.Recipe;
import org.asr3m.train.Augmentation;

/**
 * A shard list prepared under a recipe, the streamed counterpart of a data directory's
 * {@code ExperimentData}: training streams get the recipe's augmentation, shuffling and filters;
 * evaluation streams read in list order with clean features and the loosest filter.
 *
 * @param shards the shards of the list
 * @param stream the batches
 * @param unknown units mapped to &lt;unk&gt; (counted while streaming)
 */
public record ShardData(List<String> shards, ShardStream stream, UnkCounter unknown) {
  /** Retries of a remote shard and the first wait, doubled per retry (1 + 2 + 4 s). */
  static final int RETRIES = 3;
  static final long BACKOFF_MILLIS = 1000;

  public static ShardData load(Path list, Units units, Recipe recipe, boolean training, int rank, int worldSize,
      ShardSource source) {
    List<String> shards = ShardList.read(list);
    Recipe.DataConf conf = recipe.data();
    Augmentation aug = new Augmentation(ShardStream.audioOptions(), training ? conf.fbank() : conf.fbank().withDither(0),
        training && conf.speedPerturb() ? SpeedPerturb.DEFAULT : null, training ? conf.specAugment() : null,
        training ? conf.noiseAug() : null, training ? conf.reverbAug() : null, training ? conf.padAug() : null,
        recipe.train().seed());
    LengthFilter filter = training
        ? new LengthFilter(conf.minFrames(), conf.maxFrames(), conf.minTokens(), conf.maxTokens())
        : new LengthFilter(7, Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
    // evaluation reads every shard (no split) so each replica scores the whole set
    LoaderSettings settings = new LoaderSettings(training && conf.shuffle(), conf.shuffleSize(),
        conf.sortBufferSize(), conf.maxFramesInBatch(), conf.numWorkers(), conf.prefetch(),
        training ? rank : 0, training ? worldSize : 1);
    UnkCounter unk = new UnkCounter();
    ShardStream stream = new ShardStream(shards, new ShardReader(source, RETRIES, BACKOFF_MILLIS), units, unk, aug,
        filter, settings);
    return new ShardData(shards, stream, unk);
  }
}
