package org.asr3m.platform.worker;

import java.time.OffsetDateTime;

/**
 * A worker process as the workers table knows it.
 *
 * @param status IDLE, BUSY or STOPPED (as the worker last said)
 * @param alive its last heartbeat is within two leases (a worker that died without saying so is not)
 * @param memoryUsed JVM heap in use, bytes; memoryMax its limit
 */
public record WorkerView(String id, String host, Long pid, String device, int slots, String status, Long currentRun,
    Long memoryUsed, Long memoryMax, OffsetDateTime startedAt, OffsetDateTime heartbeatAt, boolean alive) {}
