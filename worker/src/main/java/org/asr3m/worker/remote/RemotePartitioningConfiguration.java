package org.asr3m.worker.remote;

import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.job.RemotePartitions;
import org.asr3m.worker.run.RunControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;

/**
 * Spring Batch remote partitioning of featurePrep over RabbitMQ ({@code asr3m.worker.partitioning=rabbitmq}).
 * The worker executing a run is the manager: it sends one request per partition to a durable queue
 * and polls the job repository for their outcomes. Every worker also consumes that queue while it
 * has a free slot, executing the partition step against the shared job repository and artefact
 * store; the manager's aggregator then merges the partitions' statistics from the store.
 *
 * <p>Requests are persistent messages on a durable queue, acknowledged after the partition ran: a
 * partition worker that dies has its request redelivered to another worker, and a broker restart
 * loses none. A redelivered request whose partition already completed, or whose manager's job
 * execution is no longer running (it died and was restarted), is dropped.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "asr3m.worker.partitioning", havingValue = "rabbitmq")
public class RemotePartitioningConfiguration {
  /** The queue of featurePrep partition requests. */
  public static final String QUEUE = "asr3m.featurePrep.partitions";
  private static final Logger LOG = LoggerFactory.getLogger(RemotePartitioningConfiguration.class);

  @Bean
  Queue featurePrepPartitionQueue() {
    return QueueBuilder.durable(QUEUE).build();
  }

  @Bean
  DirectChannel featurePrepPartitionRequests() {
    return new DirectChannel();
  }

  @Bean
  RemotePartitions remotePartitions(JobRepository repository,
      @Qualifier("featurePrepPartitionRequests") MessageChannel requests, WorkerProperties props) {
    return new RabbitPartitions(repository, requests, props);
  }

  @Bean
  IntegrationFlow featurePrepPartitionsOut(RabbitTemplate rabbit) {
    return IntegrationFlow.from("featurePrepPartitionRequests")
        .transform(StepExecutionRequest.class, PartitionRequests::toText)
        .handle(Amqp.outboundAdapter(rabbit).routingKey(QUEUE).defaultDeliveryMode(MessageDeliveryMode.PERSISTENT))
        .get();
  }

  @Bean
  SimpleMessageListenerContainer featurePrepPartitionConsumer(ConnectionFactory connections, WorkerProperties props) {
    SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connections);
    c.setQueueNames(QUEUE);
    c.setConcurrentConsumers(1);
    c.setPrefetchCount(1); // one partition at a time; the rest stay in the queue for other workers
    c.setAutoStartup(false); // the capacity gate starts it
    c.setShutdownTimeout(props.stopTimeout().toMillis()); // finish the partition in hand before stopping
    return c;
  }

  @Bean
  IntegrationFlow featurePrepPartitionsIn(SimpleMessageListenerContainer featurePrepPartitionConsumer,
      JobRepository repository, @Qualifier("featurePrepPartition") Step partition) {
    StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
    handler.setJobRepository(repository);
    handler.setStepLocator(name -> {
      if (!partition.getName().equals(name)) {
        throw new IllegalArgumentException("this worker executes partitions of " + partition.getName() + ", not " + name);
      }
      return partition;
    });
    return IntegrationFlow.from(Amqp.inboundAdapter(featurePrepPartitionConsumer).autoStartup(false))
        .transform(String.class, PartitionRequests::fromText)
        .filter(StepExecutionRequest.class, r -> pending(repository, r))
        .handle(StepExecutionRequest.class, (request, headers) -> {
          StepExecution done = handler.handle(request);
          if (!done.getStatus().equals(repository.getStepExecution(done.getId()).getStatus())) {
            repository.update(done); // the handler leaves a status it set itself to the caller
          }
          LOG.info("featurePrep partition {} of run {}: {}", done.getStepName(),
              done.getJobExecution().getJobParameters().getLong("runId"), done.getStatus());
          return null;
        })
        .get();
  }

  @Bean
  PartitionCapacityGate featurePrepPartitionCapacity(SimpleMessageListenerContainer featurePrepPartitionConsumer,
      RunControl control, WorkerProperties props) {
    return new PartitionCapacityGate(featurePrepPartitionConsumer, control, props);
  }

  /** Still to be done: its partition has not completed and its manager still waits for it. */
  private static boolean pending(JobRepository repository, StepExecutionRequest r) {
    StepExecution e = repository.getStepExecution(r.getStepExecutionId());
    if (e == null) {
      LOG.warn("partition request {}: no such step execution; dropped", PartitionRequests.toText(r));
      return false;
    }
    if (e.getStatus() == BatchStatus.COMPLETED || !e.getJobExecution().getStatus().isRunning()) {
      LOG.info("partition request {}: partition {}, job execution {}; dropped", PartitionRequests.toText(r),
          e.getStatus(), e.getJobExecution().getStatus());
      return false;
    }
    return true;
  }
}
