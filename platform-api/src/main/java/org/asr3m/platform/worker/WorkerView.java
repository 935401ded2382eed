package org.asr3m.platform.worker;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A worker process as the workers table knows it.
 *
 * @param status IDLE, BUSY or STOPPED (as the worker last said)
 * @param alive its last heartbeat is within two leases (a worker that died without saying so is not)
 * @param slots runs it executes at once (e.g. one per GPU)
 * @param currentRun the first of {@code currentRuns} (null when idle)
 * @param currentRuns the runs it executes now, one per busy slot
 * @param memoryUsed JVM heap in use, bytes; memoryMax its limit; memoryFree what is left of it
 * @param deviceMemoryUsed memory in use on its device(s) (GPU memory as CUDA reports it, host memory for the CPU),
 *     bytes; deviceMemoryMax the total; deviceMemoryFree what is left; null where the worker does not know
 */
public record WorkerView(String id, String host, Long pid, String device, int slots, String status, Long currentRun,
    List<Long> currentRuns, Long memoryUsed, Long memoryMax, Long memoryFree, Long deviceMemoryUsed,
    Long deviceMemoryMax, Long deviceMemoryFree, OffsetDateTime startedAt, OffsetDateTime heartbeatAt, boolean alive) {}
