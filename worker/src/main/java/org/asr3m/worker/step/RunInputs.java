package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.asr3m.data.DataFingerprint;
import org.asr3m.pipeline.FeaturePrep;
import org.asr3m.pipeline.StageRecipes;
import org.asr3m.recipe.Recipe;
import org.asr3m.worker.reuse.InputHash;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;

/**
 * The inputs of a run's stages and their content hashes, computed the same way by every stage
 * (so that baseTrain can tell which featurePrep outputs it builds on without asking it):
 * featurePrep = train data + front-end settings + shard format and size; embeddingPretrain and
 * baseTrain = their derived recipe + train and dev data + featurePrep. Recipes are hashed in canonical
 * form, so comments and key order do not matter.
 *
 * <p>Data directories are fetched only when asked for: the training stages stream featurePrep's shards
 * and take the training set's fingerprint from the one featurePrep recorded for the run (the data
 * their shards were made from), so a worker that trains never downloads a {@code store:} training set.
 */
final class RunInputs {
  private final StageContext ctx;
  private final RunRepository runs;
  private final String recipeYaml;
  private final Recipe recipe;
  private final int shardUtterances;
  private Path trainDir;
  private Path devDir;
  private String trainFingerprint;

  RunInputs(StageServices services, StageContext ctx) throws IOException {
    this.ctx = ctx;
    this.runs = services.runs();
    this.shardUtterances = services.props().shardUtterances();
    this.recipeYaml = ctx.run().recipe();
    this.recipe = Recipe.read(writeRecipe("recipe.yaml", recipeYaml));
  }

  /** The training set as a local directory ({@code store:} data sets downloaded once). */
  Path trainDir() throws IOException {
    if (trainDir == null) {
      trainDir = ctx.dataDir(ctx.run().trainData());
    }
    return trainDir;
  }

  Path devDir() throws IOException {
    if (devDir == null) {
      devDir = ctx.dataDir(ctx.run().devData());
    }
    return devDir;
  }

  Recipe recipe() {
    return recipe;
  }

  String recipeYaml() {
    return recipeYaml;
  }

  /** The run's recipe (or a derived one) as a file, so that recipe errors name a file and line. */
  Path writeRecipe(String name, String yaml) throws IOException {
    Path dir = Files.createDirectories(ctx.localDir().getParent().resolve("recipes"));
    Path file = dir.resolve(ctx.stage().stepName() + "-" + name);
    // featurePrep's partitions write and read this file on parallel threads: replace it atomically,
    // so a reader never sees it truncated
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** {"train": sha, "dev": sha, "test/<name>": sha, …} for the run's reproducibility record. */
  String fingerprintsJson(boolean withTestSets) throws IOException {
    java.util.Map<String, String> fp = new java.util.LinkedHashMap<>();
    fp.put("train", trainFingerprint());
    fp.put("dev", DataFingerprint.of(devDir()));
    for (var t : withTestSets ? ctx.run().testData().entrySet() : java.util.Set.<java.util.Map.Entry<String, String>>of()) {
      fp.put("test/" + t.getKey(), DataFingerprint.of(ctx.dataDir(t.getValue())));
    }
    return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(fp);
  }

  /**
   * The training set's fingerprint: featurePrep computes it from the data; later stages read the one it
   * recorded for this run (computing it only when there is none).
   */
  String trainFingerprint() throws IOException {
    if (trainFingerprint == null) {
      trainFingerprint = ctx.stage() == Stage.FEATURE_PREP ? null
          : runs.dataFingerprint(ctx.run().id(), "train").orElse(null);
      if (trainFingerprint == null) {
        trainFingerprint = DataFingerprint.of(trainDir());
      }
    }
    return trainFingerprint;
  }

  /** featurePrep's outputs include the training set's shards: outputs sealed before shards existed, or cut to another size, differ. */
  String featurePrepHash() throws IOException {
    return InputHash.of(Stage.FEATURE_PREP.stepName(), trainFingerprint(), FeaturePrep.settingsKey(recipe),
        shardFormat(shardUtterances));
  }

  /** The shard format and size as hashed (WeNet tar shards, a recording's segments in one shard, cuts as 16-bit WAV). */
  static String shardFormat(int shardUtterances) {
    return "shards=wenet-tar/v1;num_utts_per_shard=" + shardUtterances;
  }

  Optional<String> embeddingRecipe() {
    return StageRecipes.embeddingRecipe(recipeYaml);
  }

  Optional<String> baseRecipe() {
    return StageRecipes.baseRecipe(recipeYaml);
  }

  /** Hash of a training stage that depends only on its own recipe, the data and the features. */
  String trainingHash(Stage stage, String stageRecipe) throws IOException {
    return InputHash.of(stage.stepName(), StageRecipes.canonical(stageRecipe), trainFingerprint(),
        DataFingerprint.of(devDir()), featurePrepHash());
  }
}
