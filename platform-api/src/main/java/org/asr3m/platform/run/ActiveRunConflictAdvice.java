package org.asr3m.platform.run;

import org.asr3m.platform.web.ProblemDetailsAdvice;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The 409 of a second launch carries the active run's id ({@code activeRunId}, {@code activeRunStatus}),
 * so a script can follow the run that is already going; ahead of the general advice, which would
 * answer with the message only.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ActiveRunConflictAdvice {

  @ExceptionHandler(ActiveRunConflictException.class)
  ProblemDetail activeRun(ActiveRunConflictException e) {
    ProblemDetail p = ProblemDetailsAdvice.problem(HttpStatus.CONFLICT, "active-run", "Run already active",
        e.getMessage());
    p.setProperty("experimentId", e.experimentId());
    p.setProperty("activeRunId", e.activeRunId());
    p.setProperty("activeRunStatus", e.activeStatus());
    return p;
  }
}
