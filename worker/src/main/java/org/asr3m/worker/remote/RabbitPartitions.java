package org.asr3m.worker.remote;

import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.job.RemotePartitions;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilder;
import org.springframework.messaging.MessageChannel;

/**
 * Manager steps of Spring Batch remote partitioning: partition requests go out on
 * {@code requests} (to RabbitMQ) and the manager polls the job repository until every partition's
 * step execution has ended — no reply queue, so nothing waits on an unacknowledged message, and a
 * manager restarted on another worker finds the partitions' outcomes in the database.
 */
class RabbitPartitions implements RemotePartitions {
  private final JobRepository repository;
  private final MessageChannel requests;
  private final WorkerProperties props;

  RabbitPartitions(JobRepository repository, MessageChannel requests, WorkerProperties props) {
    this.repository = repository;
    this.requests = requests;
    this.props = props;
  }

  @Override
  public Step managerStep(String name, String partitionStepName, Partitioner partitioner, int gridSize,
      StepExecutionAggregator aggregator, StepExecutionListener listener) {
    return new RemotePartitioningManagerStepBuilder(name, repository)
        .listener(listener)
        .partitioner(partitionStepName, partitioner)
        .gridSize(gridSize)
        .aggregator(aggregator)
        .outputChannel(requests)
        .pollInterval(props.partitionPollInterval().toMillis())
        .timeout(props.partitionTimeout().toMillis())
        .build();
  }
}
