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
import org.asr3m.worker.run.Stage;

/**
 * The inputs of a run's stages and their content hashes, computed the same way by every stage
 * (so that baseTrain can tell which featurePrep outputs it builds on without asking it):
 * featurePrep = train data + front-end settings; embeddingPretrain and baseTrain = their derived
 * recipe + train and dev data + featurePrep. Recipes are hashed in canonical form, so comments and
 * key order do not matter.
 */
final class RunInputs {
  private final StageContext ctx;
  private final Path trainDir;
  private final Path devDir;
  private final String recipeYaml;
  private final Recipe recipe;

  RunInputs(StageContext ctx) throws IOException {
    this.ctx = ctx;
    this.trainDir = ctx.dataDir(ctx.run().trainData());
    this.devDir = ctx.dataDir(ctx.run().devData());
    this.recipeYaml = ctx.run().recipe();
    this.recipe = Recipe.read(writeRecipe("recipe.yaml", recipeYaml));
  }

  Path trainDir() {
    return trainDir;
  }

  Path devDir() {
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
    fp.put("train", DataFingerprint.of(trainDir));
    fp.put("dev", DataFingerprint.of(devDir));
    for (var t : withTestSets ? ctx.run().testData().entrySet() : java.util.Set.<java.util.Map.Entry<String, String>>of()) {
      fp.put("test/" + t.getKey(), DataFingerprint.of(ctx.dataDir(t.getValue())));
    }
    return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(fp);
  }

  String featurePrepHash() {
    return InputHash.of(Stage.FEATURE_PREP.stepName(), DataFingerprint.of(trainDir), FeaturePrep.settingsKey(recipe));
  }

  Optional<String> embeddingRecipe() {
    return StageRecipes.embeddingRecipe(recipeYaml);
  }

  Optional<String> baseRecipe() {
    return StageRecipes.baseRecipe(recipeYaml);
  }

  /** Hash of a training stage that depends only on its own recipe, the data and the features. */
  String trainingHash(Stage stage, String stageRecipe) {
    return InputHash.of(stage.stepName(), StageRecipes.canonical(stageRecipe), DataFingerprint.of(trainDir),
        DataFingerprint.of(devDir), featurePrepHash());
  }
}
