package org.asr3m.platform.metric;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The live stream of a run. */
@RestController
@Tag(name = "Metrics")
class RunEventsController {
  private final RunEvents events;

  RunEventsController(RunEvents events) {
    this.events = events;
  }

  @GetMapping(value = "/api/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(summary = "Live stream of a run (server-sent events)",
      description = "Events: 'run' {id, status, cancelRequested, failureReason, currentStage, progress, etaSeconds,"
          + " stages[{stage, status, progress, etaSeconds, reusedFromRun, message}]} whenever it changed (first at"
          + " once); 'metrics' {lastId, rows[{id, stage, name, step, epoch, value}]} for new metric rows, with the"
          + " SSE id = lastId; 'end' {status} when the run has finished, then the stream closes. Resume with the"
          + " Last-Event-ID header or after=<row id>.")
  SseEmitter events(@PathVariable long id, @RequestParam(defaultValue = "0") long after,
      @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
    long from = after;
    if (lastEventId != null && lastEventId.matches("\\d+")) {
      from = Math.max(from, Long.parseLong(lastEventId));
    }
    return events.open(id, from);
  }
}
