package org.asr3m.worker.lease;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.run.RunControl;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This worker's row in the workers table: device(s), slots, JVM heap and device memory, and the runs
 * it executes now, refreshed with each heartbeat.
 */
@Component
public class WorkerRegistry {
  private final JdbcClient jdbc;
  private final WorkerProperties props;
  private final RunControl control;
  private final List<String> devices;
  private final HealthFile healthFile;

  public WorkerRegistry(JdbcClient jdbc, WorkerProperties props, RunControl control,
      @Value("${asr3m.worker.health-file:}") String healthFile) {
    this.jdbc = jdbc;
    this.props = props;
    this.control = control;
    this.devices = IntStream.range(0, props.slots()).mapToObj(props::slotDevice).distinct().toList();
    this.healthFile = new HealthFile(healthFile);
  }

  /** Registers this worker with {@code slots} slots on {@code device} (the label shown for its devices). */
  public void register(String device, int slots) {
    jdbc.sql("delete from workers where id = ?").param(props.id()).update();
    jdbc.sql("insert into workers (id, host, pid, device, slots, status, started_at, heartbeat_at)"
            + " values (?, ?, ?, ?, ?, 'IDLE', ?, ?)")
        .params(props.id(), host(), ProcessHandle.current().pid(), device, slots, LeaseManager.time(Instant.now()),
            LeaseManager.time(Instant.now()))
        .update();
    heartbeat();
  }

  /** Liveness, memory and the runs executing here now. */
  public void heartbeat() {
    Runtime rt = Runtime.getRuntime();
    List<Long> runs = control.runs();
    DeviceMemory dm = DeviceMemory.of(devices);
    String list = runs.stream().map(String::valueOf).collect(Collectors.joining(","));
    jdbc.sql("update workers set heartbeat_at = ?, current_run = ?, current_runs = ?, status = ?, memory_used = ?,"
            + " memory_max = ?, device_memory_used = ?, device_memory_max = ? where id = ? and status <> 'STOPPED'")
        .params(LeaseManager.time(Instant.now()), runs.isEmpty() ? null : runs.get(0), list.isEmpty() ? null : list,
            runs.isEmpty() ? "IDLE" : "BUSY", rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), dm.used(), dm.max(),
            props.id())
        .update();
    healthFile.touch();
  }

  public void stopped() {
    jdbc.sql("update workers set status = 'STOPPED', current_run = null, current_runs = null, heartbeat_at = ?"
            + " where id = ?")
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
