package org.asr3m.platform.metric;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asr3m.platform.run.RunDetail;
import org.asr3m.platform.run.RunQueries;
import org.asr3m.platform.web.NotFoundException;
import org.asr3m.worker.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live stream of a run as server-sent events, fed by polling the database on a bounded schedule
 * (one small thread pool for every stream; at most {@code maxStreams} streams): {@code run} when
 * the run's or a stage's state, progress or ETA changed, {@code metrics} with new metric rows (the
 * event id is the last row id, so a reconnecting client resumes with Last-Event-ID), and {@code end}
 * when the run has finished, after which the stream closes.
 */
@Service
public class RunEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final RunQueries runs;
  private final MetricQueries metrics;
  private final RunEventsProperties props;
  private final ScheduledExecutorService pool;
  private final AtomicInteger open = new AtomicInteger();

  public RunEvents(RunQueries runs, MetricQueries metrics, RunEventsProperties props) {
    this.runs = runs;
    this.metrics = metrics;
    this.props = props;
    this.pool = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "run-events");
      t.setDaemon(true);
      return t;
    });
  }

  /** The state part of a run event. */
  record RunState(long id, String status, boolean cancelRequested, String failureReason, String currentStage,
      double progress, Double etaSeconds, List<StageState> stages) {}

  /** A stage in a run event. */
  record StageState(String stage, String status, Double progress, Double etaSeconds, Long reusedFromRun,
      String message) {}

  /** A batch of new metric rows. */
  record MetricRows(long lastId, List<MetricQueries.Row> rows) {}

  public SseEmitter open(long runId, long after) {
    if (runs.status(runId) == null) {
      throw new NotFoundException("run", runId);
    }
    if (open.incrementAndGet() > props.maxStreams()) {
      open.decrementAndGet();
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "too many live streams are open ("
          + props.maxStreams() + "); poll GET /api/runs/" + runId + "/metrics?after=… instead");
    }
    SseEmitter emitter = new SseEmitter(props.timeout().toMillis());
    Subscription s = new Subscription(runId, after, emitter);
    emitter.onCompletion(s::stop);
    emitter.onTimeout(s::stop);
    emitter.onError(e -> s.stop());
    s.future = pool.scheduleWithFixedDelay(s::poll, 0, props.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    return emitter;
  }

  @PreDestroy
  void close() {
    pool.shutdownNow();
  }

  /** One open stream. */
  private final class Subscription {
    private final long runId;
    private final SseEmitter emitter;
    private long lastId;
    private String lastState;
    private volatile ScheduledFuture<?> future;
    private boolean stopped;

    Subscription(long runId, long after, SseEmitter emitter) {
      this.runId = runId;
      this.lastId = after;
      this.emitter = emitter;
    }

    synchronized void poll() {
      if (stopped) {
        return;
      }
      try {
        // state first: rows written before a run finished are then always sent before its end event
        RunDetail d = runs.detail(runId).orElse(null);
        if (d == null) {
          send("end", Map.of("status", "DELETED"), null);
          finish();
          return;
        }
        List<MetricQueries.Row> rows;
        do {
          rows = metrics.rows(runId, List.of(), null, lastId, props.batch());
          if (!rows.isEmpty()) {
            lastId = rows.get(rows.size() - 1).id();
            send("metrics", new MetricRows(lastId, rows), Long.toString(lastId));
          }
        } while (rows.size() == props.batch() && RunStatus.valueOf(d.status()).finished());
        RunState state = new RunState(d.id(), d.status(), d.cancelRequested(), d.failureReason(), d.currentStage(),
            d.progress(), d.etaSeconds(), d.stages().stream().map(st -> new StageState(st.stage(), st.status(),
                st.progress(), st.etaSeconds(), st.reusedFromRun(), st.message())).toList());
        String json = JSON.writeValueAsString(state);
        if (!json.equals(lastState)) {
          lastState = json;
          send("run", state, null);
        }
        if (RunStatus.valueOf(d.status()).finished()) {
          send("end", Map.of("status", d.status()), null);
          finish();
        }
      } catch (IOException | IllegalStateException e) {
        // the client went away
        stop();
      } catch (RuntimeException e) {
        LOG.warn("live stream of run {} failed: {}", runId, e.toString());
        emitter.completeWithError(e);
        stop();
      }
    }

    private void send(String name, Object data, String id) throws IOException {
      SseEmitter.SseEventBuilder b = SseEmitter.event().name(name).data(JSON.writeValueAsString(data),
          MediaType.APPLICATION_JSON);
      if (id != null) {
        b.id(id);
      }
      emitter.send(b);
    }

    private void finish() {
      stop();
      emitter.complete();
    }

    synchronized void stop() {
      if (!stopped) {
        stopped = true;
        open.decrementAndGet();
        if (future != null) {
          future.cancel(false);
        }
      }
    }
  }
}
