package org.asr3m.recipe;

/**
 * One problem of a recipe found by {@link Recipe#validate}.
 *
 * @param field dotted key path ({@code moe_conf.num_experts}); {@code ""} for the recipe as a whole
 * @param line 1-based line of the offending key or value, 0 when not tied to a line
 * @param message what is wrong, without the file and line prefix
 */
public record RecipeProblem(String field, int line, String message) {}
