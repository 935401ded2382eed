package org.asr3m.platform.worker;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The workers and their heartbeats. */
@RestController
@Tag(name = "Workers", description = "Worker processes that claim and execute runs")
class WorkerController {
  private final JdbcClient jdbc;
  private final Duration lease;

  WorkerController(JdbcClient jdbc, @Value("${asr3m.worker.lease:60s}") Duration lease) {
    this.jdbc = jdbc;
    this.lease = lease;
  }

  @GetMapping("/api/workers")
  @Operation(summary = "List workers", description = "Every worker that registered, newest heartbeat first; alive ="
      + " heartbeat within two leases (asr3m.worker.lease, default 60 s).")
  List<WorkerView> list() {
    OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(lease.multipliedBy(2));
    return jdbc.sql("select * from workers order by heartbeat_at desc, id").query((rs, i) -> {
      OffsetDateTime beat = rs.getObject("heartbeat_at", OffsetDateTime.class);
      String status = rs.getString("status");
      Long used = rs.getObject("memory_used", Long.class);
      Long max = rs.getObject("memory_max", Long.class);
      Long deviceUsed = rs.getObject("device_memory_used", Long.class);
      Long deviceMax = rs.getObject("device_memory_max", Long.class);
      String runs = rs.getString("current_runs");
      List<Long> current = runs == null || runs.isBlank() ? List.of()
          : Arrays.stream(runs.split(",")).map(String::trim).map(Long::valueOf).toList();
      return new WorkerView(rs.getString("id"), rs.getString("host"), rs.getObject("pid", Long.class),
          rs.getString("device"), rs.getInt("slots"), status, rs.getObject("current_run", Long.class), current,
          used, max, free(used, max), deviceUsed, deviceMax, free(deviceUsed, deviceMax),
          rs.getObject("started_at", OffsetDateTime.class), beat,
          beat != null && beat.isAfter(cutoff) && !"STOPPED".equals(status));
    }).list();
  }

  private static Long free(Long used, Long max) {
    return used == null || max == null ? null : Math.max(0, max - used);
  }
}
