package org.asr3m.worker.job;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.step.Step;

/**
 * Builds a partitioned step's manager whose partitions other worker processes execute
 * ({@code asr3m.worker.partitioning=rabbitmq}); kept behind this interface so the job definition
 * loads without the messaging libraries (the embedded worker partitions locally).
 */
public interface RemotePartitions {
  Step managerStep(String name, String partitionStepName, Partitioner partitioner, int gridSize,
      StepExecutionAggregator aggregator, StepExecutionListener listener);
}
