package org.asr3m.worker.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.asr3m.pipeline.Versions;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.lease.WorkerRegistry;
import org.asr3m.worker.run.RunControl;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.asr3m.worker.run.StageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executes a run this worker has claimed: starts its job instance, or — when an earlier attempt
 * died (its execution is still marked running in the job repository) or failed — recovers and
 * restarts the same job instance, so completed steps are not redone. A heartbeat renews the lease
 * while the job runs and relays cancel requests and a lost lease to the running stage.
 */
@Component
public class RunExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JobOperator jobOperator;
  private final JobRepository jobRepository;
  private final Job job;
  private final RunRepository runs;
  private final LeaseManager leases;
  private final WorkerRegistry registry;
  private final RunControl control;
  private final WorkerProperties props;

  public RunExecutor(JobOperator jobOperator, JobRepository jobRepository, Job experimentJob, RunRepository runs,
      LeaseManager leases, WorkerRegistry registry, RunControl control, WorkerProperties props) {
    this.jobOperator = jobOperator;
    this.jobRepository = jobRepository;
    this.job = experimentJob;
    this.runs = runs;
    this.leases = leases;
    this.registry = registry;
    this.control = control;
    this.props = props;
  }

  public static JobParameters parameters(long runId) {
    return new JobParametersBuilder().addLong("runId", runId, true).toJobParameters();
  }

  /** Runs the claimed run on this worker's device to its end (or until it is interrupted) and returns its status. */
  public RunStatus execute(long runId) throws Exception {
    return execute(runId, props.device());
  }

  /**
   * Runs the claimed run on {@code device} (a slot's device; empty = DJL's choice) to its end or until
   * it is interrupted, and returns its status (RUNNING when it was handed back to the queue).
   */
  public RunStatus execute(long runId, String device) throws Exception {
    control.begin(runId, device);
    ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-heartbeat-run-" + runId);
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(200, props.lease().toMillis() / 3);
    heartbeat.scheduleAtFixedRate(() -> beat(runId), period, period, TimeUnit.MILLISECONDS);
    try {
      runs.describe(runId, JSON.writeValueAsString(Versions.current().asMap()), device.isBlank() ? "auto" : device);
      JobExecution exec = launch(runId);
      return conclude(runId, exec);
    } finally {
      heartbeat.shutdownNow();
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
      control.end(runId);
    }
  }

  private JobExecution launch(long runId) throws Exception {
    JobParameters params = parameters(runId);
    JobInstance instance = jobRepository.getJobInstance(ExperimentJobConfiguration.JOB_NAME, params);
    if (instance == null) {
      LOG.debug("run {}: starting job", runId);
      return jobOperator.start(job, params);
    }
    JobExecution last = jobRepository.getLastJobExecution(instance);
    if (last == null) {
      return jobOperator.start(job, params);
    }
    if (last.getStatus() == BatchStatus.COMPLETED) {
      return last;
    }
    if (last.getStatus().isRunning()) {
      // we hold the lease, so nobody else runs it: its process died (SIGKILL, machine lost)
      LOG.info("run {}: job execution {} was interrupted ({}); recovering it", runId, last.getId(), last.getStatus());
      last = jobOperator.recover(last);
    }
    LOG.info("run {}: restarting job instance {} after execution {} ({})", runId, instance.getInstanceId(),
        last.getId(), last.getStatus());
    return jobOperator.restart(last);
  }

  private RunStatus conclude(long runId, JobExecution exec) {
    runs.setJobExecution(runId, exec.getId());
    if (exec.getStatus() == BatchStatus.COMPLETED) {
      runs.finish(runId, RunStatus.COMPLETED, null);
      return RunStatus.COMPLETED;
    }
    if (control.cancelled(runId)) {
      runs.finish(runId, RunStatus.CANCELLED, "cancelled by request");
      return RunStatus.CANCELLED;
    }
    try {
      control.check(runId);
    } catch (RunControl.RunInterruptedException e) {
      // lost lease or shutdown: the run is not over; another worker (or this one, later) continues it
      LOG.warn("run {} interrupted: {}", runId, e.getMessage());
      leases.release(runId, props.id());
      return RunStatus.RUNNING;
    }
    String reason = runs.stages(runId).values().stream().filter(s -> s.status() == StageStatus.FAILED)
        .map(s -> s.stage().stepName() + ": " + s.message()).findFirst()
        .orElseGet(() -> exec.getAllFailureExceptions().stream().map(Throwable::getMessage).findFirst()
            .orElse("job ended with status " + exec.getStatus()));
    runs.finish(runId, RunStatus.FAILED, reason);
    return RunStatus.FAILED;
  }

  private void beat(long runId) {
    try {
      if (!leases.renew(runId, props.id(), props.lease())) {
        control.leaseLost(runId);
      }
      if (runs.cancelRequested(runId)) {
        control.cancel(runId);
      }
      registry.heartbeat();
    } catch (RuntimeException e) {
      // a database hiccup must not kill the heartbeat thread; the lease has slack for a few misses
      LOG.warn("heartbeat for run {} failed: {}", runId, e.toString());
    }
  }
}
