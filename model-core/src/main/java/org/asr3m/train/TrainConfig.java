package org.asr3m.train;

import java.nio.file.Path;

/**
 * Where a training run reads and writes.
 *
 * @param outDir experiment directory (checkpoints under it)
 * @param recipeYaml recipe text, stored in every checkpoint
 * @param unitsFile units.txt, stored in every checkpoint
 * @param maxEpochs overrides the recipe's max_epoch when positive
 * @param maxSteps stop after this many optimiser updates when positive (for smoke runs and tests)
 */
public record TrainConfig(Path outDir, String recipeYaml, Path unitsFile, int maxEpochs, long maxSteps) {}
