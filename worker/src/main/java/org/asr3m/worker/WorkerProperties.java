package org.asr3m.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
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
 */
@ConfigurationProperties("asr3m.worker")
public record WorkerProperties(String id, Path workDir,
    @DefaultValue("60s") Duration lease, @DefaultValue("2s") Duration pollInterval, @DefaultValue("") String device,
    @DefaultValue("1s") Duration metricsInterval, @DefaultValue("12h") Duration reuseWait,
    @DefaultValue("20") int maxNonFiniteSteps, @DefaultValue("0") int featurePartitions) {

  public WorkerProperties {
    if (id == null || id.isBlank()) {
      id = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    }
    if (featurePartitions <= 0) {
      featurePartitions = Runtime.getRuntime().availableProcessors();
    }
    if (workDir == null) {
      workDir = Path.of(System.getProperty("user.dir"), "asr3m-data", "work");
    }
  }
}
