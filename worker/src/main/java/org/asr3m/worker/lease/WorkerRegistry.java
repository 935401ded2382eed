package org.asr3m.worker.lease;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import org.asr3m.worker.WorkerProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** This worker's row in the workers table: device, memory and current run, refreshed with each heartbeat. */
@Component
public class WorkerRegistry {
  private final JdbcClient jdbc;
  private final WorkerProperties props;
  private final HealthFile healthFile;

  public WorkerRegistry(JdbcClient jdbc, WorkerProperties props,
      @Value("${asr3m.worker.health-file:}") String healthFile) {
    this.jdbc = jdbc;
    this.props = props;
    this.healthFile = new HealthFile(healthFile);
  }

  public void register(String device) {
    jdbc.sql("delete from workers where id = ?").param(props.id()).update();
    jdbc.sql("insert into workers (id, host, pid, device, slots, status, started_at, heartbeat_at)"
            + " values (?, ?, ?, ?, 1, 'IDLE', ?, ?)")
        .params(props.id(), host(), ProcessHandle.current().pid(), device, LeaseManager.time(Instant.now()),
            LeaseManager.time(Instant.now()))
        .update();
    healthFile.touch();
  }

  public void heartbeat(Long currentRun) {
    Runtime rt = Runtime.getRuntime();
    jdbc.sql("update workers set heartbeat_at = ?, current_run = ?, status = ?, memory_used = ?, memory_max = ?"
            + " where id = ?")
        .params(LeaseManager.time(Instant.now()), currentRun, currentRun == null ? "IDLE" : "BUSY",
            rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), props.id())
        .update();
    healthFile.touch();
  }

  public void stopped() {
    jdbc.sql("update workers set status = 'STOPPED', current_run = null, heartbeat_at = ? where id = ?")
        .params(LeaseManager.time(Instant.now()), props.id()).update();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }
}
