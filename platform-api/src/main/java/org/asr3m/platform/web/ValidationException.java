package org.asr3m.platform.web;

import java.util.List;

/**
 * A request body with one or more invalid fields: 400 with every error listed, each with its
 * field path ({@code moe_conf.num_experts}) and, for YAML input, its line.
 */
public class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One invalid field. */
  public record FieldError(String field, Integer line, String message) {}

  private final transient List<FieldError> errors;

  public ValidationException(String summary, List<FieldError> errors) {
    super(summary);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
