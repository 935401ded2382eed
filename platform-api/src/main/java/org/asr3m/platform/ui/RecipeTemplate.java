package org.asr3m.platform.ui;

/**
 * A shipped recipe offered as a template on the new-experiment and new-sweep forms.
 *
 * @param name file name without {@code .yaml} ({@code conformer_moe})
 * @param modelType the recipe's {@code model:} value, when it has one on its own line
 */
public record RecipeTemplate(String name, String modelType, String yaml) {}
