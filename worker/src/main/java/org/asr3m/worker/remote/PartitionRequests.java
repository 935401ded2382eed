package org.asr3m.worker.remote;

import org.springframework.batch.integration.partition.StepExecutionRequest;

/**
 * A partition request as a RabbitMQ message body: {@code <step name>:<step execution id>} in
 * plain text, so workers never deserialise Java objects from the broker.
 */
final class PartitionRequests {
  private PartitionRequests() {}

  static String toText(StepExecutionRequest r) {
    return r.getStepName() + ":" + r.getStepExecutionId();
  }

  static StepExecutionRequest fromText(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a partition request (expected <step>:<step execution id>): " + text);
    }
    try {
      return new StepExecutionRequest(text.substring(0, colon), Long.parseLong(text.substring(colon + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a partition request (step execution id is not a number): " + text, e);
    }
  }
}
