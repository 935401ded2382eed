package org.asr3m.recipe;

import java.nio.file.Path;
import org.asr3m.io.InputException;

/**
 * An {@link InputException} about one recipe key that also carries the key's dotted path and the
 * bare message, so that {@link Recipe#validate} can list it and carry on without that key.
 */
final class RecipeFieldException extends InputException {
  private static final long serialVersionUID = 1L;
  private final String field;
  private final String problem;

  RecipeFieldException(Path file, int line, String field, String problem) {
    super(file, line, (field.isEmpty() ? "recipe" : field) + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  String field() {
    return field;
  }

  String problem() {
    return problem;
  }
}
