package org.asr3m.worker.job;

import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.run.RunControl;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.step.BaseTrainStep;
import org.asr3m.worker.step.EmbeddingPretrainStep;
import org.asr3m.worker.step.EvaluateStep;
import org.asr3m.worker.step.FeaturePrepStep;
import org.asr3m.worker.step.StageTasklet;
import org.asr3m.worker.step.TrainStep;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The experiment job: one job instance per run (identified by the runId parameter), five steps in
 * the order of the 3m-asr recipe chain; featurePrep is partitioned over the training set (locally or over
 * RabbitMQ). Spring Batch keeps each step's status in its job
 * repository, so a restarted job instance (after a crash or on another worker) skips the steps that
 * completed and runs the rest; the training steps resume from their last stored checkpoint.
 *
 * <p>The stage tasklets run without a surrounding database transaction (ResourcelessTransactionManager):
 * a training step lasts hours or days, and its metrics and progress rows must be visible as they are
 * written, not at the end. The job repository keeps its own transactions.
 */
@Configuration
public class ExperimentJobConfiguration {
  public static final String JOB_NAME = "experiment";

  @Bean
  public Job experimentJob(JobRepository repository, FeaturePrepStep featurePrep, EmbeddingPretrainStep embedding,
      BaseTrainStep base, TrainStep train, EvaluateStep evaluate, WorkerProperties props, RunControl control,
      @Qualifier("featurePrepPartition") Step featurePrepPartition, ObjectProvider<RemotePartitions> remote) {
    return new JobBuilder(JOB_NAME, repository)
        .start(featurePrep(repository, featurePrep, featurePrepPartition, props, control, remote))
        .next(step(repository, Stage.EMBEDDING_PRETRAIN, embedding))
        .next(step(repository, Stage.BASE_TRAIN, base))
        .next(step(repository, Stage.TRAIN, train))
        .next(step(repository, Stage.EVALUATE, evaluate))
        .build();
  }

  /** One featurePrep partition: executed on this worker's threads, or by any worker through RabbitMQ. */
  @Bean
  public Step featurePrepPartition(JobRepository repository, FeaturePrepStep stage) {
    return new StepBuilder(Stage.FEATURE_PREP.stepName() + "Partition", repository)
        .tasklet(stage.partitionTasklet(), new ResourcelessTransactionManager())
        .build();
  }

  /**
   * featurePrep partitioned over the training set: locally (partitions on this worker's threads) or,
   * with {@code asr3m.worker.partitioning=rabbitmq}, remotely (Spring Batch remote partitioning).
   */
  private static Step featurePrep(JobRepository repository, FeaturePrepStep stage, Step partition,
      WorkerProperties props, RunControl control, ObjectProvider<RemotePartitions> remote) {
    if (props.partitioning() == WorkerProperties.Partitioning.RABBITMQ) {
      RemotePartitions rabbit = remote.getIfAvailable();
      if (rabbit == null) {
        throw new IllegalStateException("asr3m.worker.partitioning=rabbitmq but remote partitioning is not configured"
            + " in this application (it is part of the worker application, not of an embedded worker)");
      }
      return rabbit.managerStep(Stage.FEATURE_PREP.stepName(), partition.getName(), stage.partitioner(),
          props.featurePartitions(), stage.aggregator(), new AwaitingPartitions(control));
    }
    SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("feature-prep-");
    threads.setConcurrencyLimit(props.featurePartitions());
    return new StepBuilder(Stage.FEATURE_PREP.stepName(), repository)
        .partitioner(partition.getName(), stage.partitioner())
        .step(partition)
        .gridSize(props.featurePartitions())
        .taskExecutor(threads)
        .aggregator(stage.aggregator())
        .build();
  }

  private static Step step(JobRepository repository, Stage stage, StageTasklet tasklet) {
    return new StepBuilder(stage.stepName(), repository)
        .tasklet(tasklet, new ResourcelessTransactionManager())
        .build();
  }
}
