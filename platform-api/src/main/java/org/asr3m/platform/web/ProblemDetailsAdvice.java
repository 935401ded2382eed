package org.asr3m.platform.web;

import java.net.URI;
import org.asr3m.io.InputException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as an RFC 9457 problem detail ({@code application/problem+json}): the status, a
 * title, a detail that says what is wrong, and for validation failures an {@code errors} list with
 * each field path and line. Spring's own errors (malformed JSON, wrong method, …) come through the
 * base class in the same format.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {
  public static final String TYPE_BASE = "https://asr3m.org/problems/";

  @ExceptionHandler(NotFoundException.class)
  public ProblemDetail notFound(NotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
  }

  @ExceptionHandler(ConflictException.class)
  public ProblemDetail conflict(ConflictException e) {
    return problem(HttpStatus.CONFLICT, "conflict", "Conflict", e.getMessage());
  }

  @ExceptionHandler(ValidationException.class)
  public ProblemDetail invalid(ValidationException e) {
    ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "validation", "Invalid request", e.getMessage());
    p.setProperty("errors", e.errors());
    return p;
  }

  @ExceptionHandler({InputException.class, IllegalArgumentException.class})
  public ProblemDetail badInput(RuntimeException e) {
    return problem(HttpStatus.BAD_REQUEST, "bad-input", "Bad input", e.getMessage());
  }

  /** Malformed JSON or a wrong type: say where, not just "Failed to read request". */
  @Override
  protected org.springframework.http.ResponseEntity<Object> handleHttpMessageNotReadable(
      org.springframework.http.converter.HttpMessageNotReadableException ex, org.springframework.http.HttpHeaders headers,
      org.springframework.http.HttpStatusCode status, org.springframework.web.context.request.WebRequest request) {
    Throwable cause = ex.getMostSpecificCause();
    String detail = cause.getMessage() == null ? "the request body could not be read" : cause.getMessage().lines()
        .findFirst().orElse("");
    ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "unreadable", "Unreadable request body", detail);
    return handleExceptionInternal(ex, p, headers, HttpStatus.BAD_REQUEST, request);
  }

  public static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPE_BASE + type));
    p.setTitle(title);
    return p;
  }
}
