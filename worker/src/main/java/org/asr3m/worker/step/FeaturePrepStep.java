package org.asr3m.worker.step;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.asr3m.audio.AudioOptions;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Utterance;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.features.ParallelExtraction;
import org.asr3m.io.InputException;
import org.asr3m.pipeline.FeaturePrep;
import org.asr3m.shards.MakeShards;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.run.Stage;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.support.DefaultStepExecutionAggregator;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * featurePrep as a partitioned step (Spring Batch local partitioning): the training set is cut
 * into contiguous partitions whose CMVN statistics are computed in parallel, each stored as
 * {@code <prefix>/partitions/part-NNNN/} — the unit of work that remote partitioning hands to other
 * workers — and merged in partition order into {@code global_cmvn} next to {@code units.txt}. Each
 * partition also writes its utterances as WeNet shards ({@code <prefix>/shards/part-NNNN/shards_NNNNNN.tar});
 * the merge lists them in partition order in {@code shards.list}, which the training stages stream.
 * A restarted job redoes only the partitions that did not complete. When an earlier run prepared
 * the same data with the same front-end settings, a single no-op partition runs and the outputs are
 * linked instead.
 */
@Component
public class FeaturePrepStep {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DECISION = "featurePrep.decision";
  private static final String PREFIX = "featurePrep.prefix";
  private static final String HASH = "featurePrep.hash";
  private static final String REUSED_FROM = "featurePrep.reusedFrom";
  /** How many partitions the partitioner cut: a restarted manager re-runs (and sees) only the unfinished ones. */
  private static final String PARTITIONS = "featurePrep.partitions";
  /** Utterances per shard, decided by the manager (its worker's setting, hashed) for every partition. */
  private static final String SHARD_UTTERANCES = "featurePrep.shardUtterances";
  private final StageServices services;
  private final StageFrame frame;
  /** Stage contexts opened by the partitioner, closed by the aggregator (same manager step). */
  private final Map<Long, StageContext> open = new ConcurrentHashMap<>();

  private final JobRepository repository;

  public FeaturePrepStep(StageServices services, JobRepository repository) {
    this.services = services;
    this.repository = repository;
    this.frame = new StageFrame(services, Stage.FEATURE_PREP);
  }

  /** Decides reuse versus production, and cuts the training set into partitions. */
  public Partitioner partitioner() {
    return gridSize -> {
      StepExecution manager = StepSynchronizationManager.getContext().getStepExecution();
      long runId = manager.getJobExecution().getJobParameters().getLong("runId");
      StageContext ctx = open.computeIfAbsent(runId, frame::open);
      try {
        services.control().check(runId);
        ctx.log().line("stage featurePrep of run %d (%s) on worker %s", runId, ctx.run().name(), services.props().id());
        int perShard = services.props().shardUtterances();
        RunInputs in = new RunInputs(services, ctx);
        services.runs().fingerprints(runId, in.fingerprintsJson(false));
        String hash = in.featurePrepHash();
        StageFrame.Decision d = frame.decide(ctx, hash);
        ExecutionContext m = manager.getExecutionContext();
        m.putString(HASH, hash);
        m.putInt(SHARD_UTTERANCES, perShard);
        Map<String, ExecutionContext> parts = new LinkedHashMap<>();
        if (d.reused() != null) {
          m.putString(DECISION, "reuse");
          m.putString(PREFIX, d.reused().outputPrefix());
          m.putLong(REUSED_FROM, d.reused().reusedFromRun());
          parts.put("partition0", partition(0, 0, 0, "", perShard));
          m.putInt(PARTITIONS, 1);
          repository.updateExecutionContext(manager);
          return parts;
        }
        m.putString(DECISION, "produce");
        m.putString(PREFIX, d.producePrefix());
        List<Utterance> utterances = KaldiDataDir.load(in.trainDir()).utterances();
        int n = utterances.size();
        List<Integer> bounds = PartitionRanges.cut(utterances, Math.min(gridSize, services.props().featurePartitions()));
        int k = bounds.size() - 1;
        for (int i = 0; i < k; i++) {
          parts.put("partition" + i, partition(i, bounds.get(i), bounds.get(i + 1), d.producePrefix(), perShard));
        }
        m.putInt(PARTITIONS, k);
        ctx.log().line("%d utterances in %d partition(s); shards of up to %d utterances", n, k, perShard);
        // saved now: a manager restarted after a crash (not after a failure) must still know what to merge
        repository.updateExecutionContext(manager);
        return parts;
      } catch (Exception e) {
        open.remove(runId);
        var failure = frame.failed(ctx, e);
        frame.close(ctx);
        throw failure;
      }
    };
  }

  private static ExecutionContext partition(int index, int from, int to, String prefix, int perShard) {
    ExecutionContext c = new ExecutionContext();
    c.putInt("index", index);
    c.putInt("from", from);
    c.putInt("to", to);
    c.putString("prefix", prefix);
    // the manager's setting, so partitions on workers configured otherwise still cut the hashed size
    c.putInt(SHARD_UTTERANCES, perShard);
    return c;
  }

  /**
   * One partition: CMVN statistics of its utterances and their WeNet shards, stored for the merge.
   * The shards are published before the statistics, whose presence marks a partition done; a shard is
   * renamed into place only when complete, so a crashed attempt never publishes half of one.
   */
  public Tasklet partitionTasklet() {
    return (contribution, chunk) -> {
      StepExecution step = contribution.getStepExecution();
      ExecutionContext c = step.getExecutionContext();
      String prefix = c.getString("prefix");
      if (prefix.isEmpty()) {
        return RepeatStatus.FINISHED; // outputs reused: nothing to compute
      }
      long runId = step.getJobExecution().getJobParameters().getLong("runId");
      services.control().check(runId);
      int index = c.getInt("index");
      StageContext ctx = new StageContext(services.runs().get(runId), Stage.FEATURE_PREP, services.props().workDir(),
          services.store(), services.jdbc(), null);
      int perShard = c.getInt(SHARD_UTTERANCES, services.props().shardUtterances());
      RunInputs in = new RunInputs(services, ctx);
      int from = c.getInt("from");
      int to = c.getInt("to");
      FeaturePrep.CmvnStats stats = FeaturePrep.cmvn(in.trainDir(), AudioOptions.MONO_16K,
          in.recipe().data().fbank().withDither(0), 1, from, to);
      Path dir = ctx.localDir().resolve(String.format("part-%04d", index));
      Files.createDirectories(dir);
      // written again in full after a restart, so that the summary counts and reports every shard
      Path shardDir = dir.resolve("shards");
      TrainingStage.deleteTree(shardDir);
      List<Utterance> all = KaldiDataDir.load(in.trainDir()).utterances();
      MakeShards.Result shards = MakeShards.write(all.subList(Math.min(from, all.size()), Math.min(to, all.size())),
          shardDir, perShard, 1);
      List<String> shardKeys = new ArrayList<>();
      for (Path shard : shards.shards()) {
        String shardKey = prefix + "/shards/" + dir.getFileName() + "/" + shard.getFileName();
        ctx.publish(shardKey, shard, "shard");
        shardKeys.add(shardKey);
      }
      stats.stats().write(dir.resolve("global_cmvn"));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("items", stats.items());
      summary.put("data_problems", stats.dataProblems().stream().map(Throwable::getMessage).toList());
      summary.put("failures", stats.failures().stream().map(f -> Map.of("id", f.id(), "message", f.message())).toList());
      summary.put("shards", shardKeys);
      summary.put("shard_utterances", shards.utterances());
      summary.put("shard_problems", shards.problems().stream().map(Throwable::getMessage).toList());
      Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary), StandardCharsets.UTF_8);
      String key = prefix + "/partitions/" + dir.getFileName();
      ctx.publish(key + "/global_cmvn", dir.resolve("global_cmvn"), "cmvn-partition");
      ctx.publish(key + "/summary.json", dir.resolve("summary.json"), "cmvn-partition");
      return RepeatStatus.FINISHED;
    };
  }

  /** After the partitions: merge, write units, seal — or record the reuse — and close the stage. */
  public StepExecutionAggregator aggregator() {
    DefaultStepExecutionAggregator statuses = new DefaultStepExecutionAggregator();
    return (manager, partitions) -> {
      statuses.aggregate(manager, partitions);
      long runId = manager.getJobExecution().getJobParameters().getLong("runId");
      StageContext ctx = open.remove(runId);
      if (ctx == null) {
        ctx = frame.open(runId); // restarted job: the partitioner did not run again
      }
      ExecutionContext m = manager.getExecutionContext();
      String hash = m.getString(HASH, "");
      try {
        if (partitions.stream().anyMatch(p -> p.getStatus() != BatchStatus.COMPLETED)) {
          throw new IllegalStateException(failures(partitions));
        }
        if ("reuse".equals(m.getString(DECISION, ""))) {
          frame.finished(ctx, StageOutcome.reused(m.getLong(REUSED_FROM), m.getString(PREFIX)));
          return;
        }
        frame.finished(ctx, merge(ctx, hash, m.getString(PREFIX), m.getInt(PARTITIONS, partitions.size())));
      } catch (Exception e) {
        if (!hash.isEmpty()) {
          frame.productionFailed(ctx, hash, e);
        }
        manager.setStatus(BatchStatus.FAILED);
        manager.addFailureException(e);
        throw frame.failed(ctx, e);
      } finally {
        frame.close(ctx);
      }
    };
  }

  private StageOutcome merge(StageContext ctx, String hash, String prefix, int count) throws Exception {
    RunInputs in = new RunInputs(services, ctx);
    Path out = ctx.localDir().resolve("out");
    List<FeaturePrep.CmvnStats> stats = new ArrayList<>();
    List<ShardOutputs.Partition> summaries = new ArrayList<>();
    List<String> keys = services.store().list(prefix + "/partitions/").stream().map(StoredArtifact::key)
        .filter(k -> k.endsWith("/global_cmvn")).sorted(Comparator.naturalOrder()).toList();
    if (keys.size() != count) {
      throw new IllegalStateException("expected " + count + " CMVN partitions under " + prefix + "/partitions, found "
          + keys.size());
    }
    for (String key : keys) {
      String part = key.substring(0, key.length() - "/global_cmvn".length());
      Path local = ctx.localDir().resolve("merge").resolve(part.substring(part.lastIndexOf('/') + 1));
      services.store().get(key, local.resolve("global_cmvn"));
      services.store().get(part + "/summary.json", local.resolve("summary.json"));
      var summary = JSON.readTree(local.resolve("summary.json").toFile());
      summaries.add(new ShardOutputs.Partition(part, summary));
      List<InputException> problems = new ArrayList<>();
      for (var p : summary.path("data_problems")) {
        problems.add(new InputException(null, 0, p.asString()));
      }
      List<ParallelExtraction.Failure> failures = new ArrayList<>();
      for (var f : summary.path("failures")) {
        failures.add(new ParallelExtraction.Failure(f.path("id").asString(), f.path("message").asString()));
      }
      stats.add(new FeaturePrep.CmvnStats(GlobalCmvn.read(local.resolve("global_cmvn")), summary.path("items").asInt(),
          problems, failures));
    }
    List<InputException> textProblems = new ArrayList<>();
    Path units = FeaturePrep.writeUnits(in.trainDir(), out, textProblems, ctx.log().writer());
    FeaturePrep.Result r = FeaturePrep.writeCmvn(in.trainDir(), units, stats, textProblems, out, ctx.log().writer());
    ctx.log().line("%d frames from %d partition(s); units %s, CMVN %s", r.frames(), count, r.units(), r.cmvn());
    List<StoredArtifact> outputs = new ArrayList<>();
    ShardOutputs shards = ShardOutputs.collect(services.store(), summaries, out.resolve(ShardOutputs.LIST));
    shards.report(ctx.log());
    outputs.addAll(shards.shards());
    outputs.add(ctx.publish(prefix + "/" + ShardOutputs.LIST, out.resolve(ShardOutputs.LIST), "shard-list"));
    outputs.add(ctx.publish(prefix + "/units.txt", r.units(), "units"));
    outputs.add(ctx.publish(prefix + "/global_cmvn", r.cmvn(), "cmvn"));
    StageOutcome done = frame.produced(ctx, hash, prefix, outputs);
    return StageOutcome.completed(done.outputPrefix(), shards.summary());
  }

  private static String failures(Collection<StepExecution> partitions) {
    List<String> out = new ArrayList<>();
    for (StepExecution p : partitions) {
      if (p.getStatus() != BatchStatus.COMPLETED) {
        String why = p.getFailureExceptions().stream().map(FailureReason::of).findFirst()
            .orElse(p.getExitStatus().getExitDescription());
        out.add(p.getStepName() + " " + p.getStatus() + (why == null || why.isBlank() ? "" : ": " + why));
      }
    }
    return out.isEmpty() ? "a partition did not complete" : String.join("; ", out);
  }
}
