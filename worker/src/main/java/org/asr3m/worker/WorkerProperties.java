package org.asr3m.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a worker process ({@code asr3m.worker.*}).
 *
 * @param id this worker's name in leases and heartbeats (default host-pid)
 * @param workDir local scratch space: downloaded inputs, checkpoints being written, stage logs
 * @param lease how long a claim on a run lasts without a heartbeat; another worker takes the run over after it
 * @param pollInterval how often an idle worker looks for queued runs
 * @param device DJL device for training and decoding (cpu, gpu, gpu0, …; empty = DJL's choice)
 * @param metricsInterval at most one row of step metrics per metric per this interval
 * @param reuseWait how long a run waits for another run that is producing the same stage outputs
 * @param maxNonFiniteSteps consecutive updates with a non-finite loss after which a stage fails
 * @param featurePartitions partitions of featurePrep over the training set, run in parallel (0 = one per core)
 * @param slots runs this worker executes at once (e.g. one per GPU); it claims a run only when a slot is free
 * @param devices one device per slot (gpu0,gpu1,…); empty = every slot uses {@code device}
 * @param partitioning where featurePrep partitions run: {@code local} (this worker's threads) or
 *     {@code rabbitmq} (Spring Batch remote partitioning: requests through RabbitMQ to every worker's free capacity)
 * @param partitionTimeout how long featurePrep waits for its remote partitions before it fails
 * @param partitionPollInterval how often featurePrep looks in the job repository for finished remote partitions
 * @param stopTimeout how long a graceful stop (SIGTERM) waits for the running stages to checkpoint and hand their runs back
 * @param shardUtterances utterances per WeNet shard that featurePrep writes (as WeNet's {@code make_shard_list.py
 *     --num_utts_per_shard}); part of featurePrep's input hash
 */
@ConfigurationProperties("asr3m.worker")
public record WorkerProperties(String id, Path workDir,
    @DefaultValue("60s") Duration lease, @DefaultValue("2s") Duration pollInterval, @DefaultValue("") String device,
    @DefaultValue("1s") Duration metricsInterval, @DefaultValue("12h") Duration reuseWait,
    @DefaultValue("20") int maxNonFiniteSteps, @DefaultValue("0") int featurePartitions,
    @DefaultValue("1") int slots, @DefaultValue("") List<String> devices,
    @DefaultValue("local") Partitioning partitioning, @DefaultValue("6h") Duration partitionTimeout,
    @DefaultValue("1s") Duration partitionPollInterval, @DefaultValue("10m") Duration stopTimeout,
    @DefaultValue("1000") int shardUtterances) {

  /** Where featurePrep's partitions run. */
  public enum Partitioning { LOCAL, RABBITMQ }

  public WorkerProperties {
    if (id == null || id.isBlank()) {
      id = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    }
    if (featurePartitions <= 0) {
      featurePartitions = Runtime.getRuntime().availableProcessors();
    }
    devices = devices == null ? List.of() : devices.stream().map(String::trim).filter(d -> !d.isEmpty()).toList();
    if (!devices.isEmpty() && slots != devices.size()) {
      if (slots != 1) {
        throw new IllegalArgumentException("asr3m.worker.slots (" + slots + ") and asr3m.worker.devices (" + devices
            + ") disagree: give one device per slot");
      }
      slots = devices.size();
    }
    if (slots < 1) {
      throw new IllegalArgumentException("asr3m.worker.slots must be at least 1, not " + slots);
    }
    if (shardUtterances < 1) {
      throw new IllegalArgumentException("asr3m.worker.shard-utterances must be at least 1, not " + shardUtterances);
    }
    if (partitioning == null) {
      partitioning = Partitioning.LOCAL;
    }
    if (workDir == null) {
      workDir = Path.of(System.getProperty("user.dir"), "asr3m-data", "work");
    }
  }

  /** The device of slot {@code i}: its own from {@code devices}, else {@code device} (empty = DJL's choice). */
  public String slotDevice(int i) {
    return devices.isEmpty() ? device : devices.get(i);
  }

  /** How the workers table shows this worker's device(s). */
  public String deviceLabel() {
    String d = devices.isEmpty() ? device : String.join(",", devices);
    return d.isBlank() ? "auto" : d;
  }
}
