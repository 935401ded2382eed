package org.asr3m.worker.job;

import org.asr3m.worker.run.RunControl;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Marks a run's slot as free for partitions while its featurePrep manager waits for remote
 * partitions, so a worker whose slots all run featurePrep still takes partitions (its own among them).
 */
final class AwaitingPartitions implements StepExecutionListener {
  private final RunControl control;

  AwaitingPartitions(RunControl control) {
    this.control = control;
  }

  @Override
  public void beforeStep(StepExecution step) {
    control.awaitingPartitions(runId(step), true);
  }

  @Override
  public ExitStatus afterStep(StepExecution step) {
    control.awaitingPartitions(runId(step), false);
    return null;
  }

  private static long runId(StepExecution step) {
    return step.getJobExecution().getJobParameters().getLong("runId");
  }
}
