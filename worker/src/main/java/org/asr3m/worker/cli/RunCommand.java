package org.asr3m.worker.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.recipe.Recipe;
import org.asr3m.worker.WorkerProperties;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.job.RunExecutor;
import org.asr3m.worker.lease.LeaseManager;
import org.asr3m.worker.lease.WorkerRegistry;
import org.asr3m.worker.run.RunRecord;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.RunStatus;
import org.springframework.stereotype.Component;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run one experiment in this process and print its CER table.",
        "",
        "  java -jar worker/target/worker.jar run --recipe recipes/tiny-cmn/3m.yaml --data recipes/tiny-cmn/data",
        "  java -jar worker/target/worker.jar run --resume 7        continue run 7 after a crash or failure",
        "",
        "--data DIR takes DIR/train and DIR/dev for training and evaluates DIR/dev and DIR/test (--test-sets)."})
@Component
class RunCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipe", paramLabel = "YAML", description = "Recipe (required unless --resume).")
  Path recipe;

  @Option(names = "--data", paramLabel = "DIR", description = "Kaldi data root with train/, dev/ and test sets.")
  Path data;

  @Option(names = "--train", paramLabel = "DIR", description = "Training data dir (default DATA/train).")
  Path train;

  @Option(names = "--dev", paramLabel = "DIR", description = "Validation data dir (default DATA/dev).")
  Path dev;

  @Option(names = "--test-sets", split = ",", paramLabel = "NAME",
      description = "Sets under DATA to evaluate (default: dev,test where present).")
  List<String> testSets;

  @Option(names = "--name", description = "Run name (default: the recipe's file name).")
  String name;

  @Option(names = "--max-epochs", defaultValue = "0", description = "Override the recipe's max_epoch (train stage).")
  int maxEpochs;

  @Option(names = "--max-steps", defaultValue = "0", description = "Stop the train stage after N updates.")
  long maxSteps;

  @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue an unfinished or failed run.")
  Long resume;

  private final RunRepository runs;
  private final LeaseManager leases;
  private final RunExecutor executor;
  private final WorkerRegistry registry;
  private final WorkerProperties props;
  private final ArtifactStore store;
  private final org.springframework.core.env.Environment env;

  RunCommand(RunRepository runs, LeaseManager leases, RunExecutor executor, WorkerRegistry registry,
      WorkerProperties props, ArtifactStore store, org.springframework.core.env.Environment env) {
    this.env = env;
    this.runs = runs;
    this.leases = leases;
    this.executor = executor;
    this.registry = registry;
    this.props = props;
    this.store = store;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    long id = resume != null ? resumable(resume) : submit();
    registry.register(props.deviceLabel(), 1);
    if (!leases.claim(id, props.id(), props.lease())) {
      out.printf("run %d is held by worker %s; waiting for its lease to expire (at most %s)%n", id,
          runs.get(id).workerId(), props.lease());
      out.flush();
      while (!leases.claim(id, props.id(), props.lease())) {
        Thread.sleep(1000);
      }
    }
    out.printf("run %d: %s%n  database  %s%n  artefacts %s/runs/%d%n", id, runs.get(id).name(),
        env.getProperty("spring.datasource.url", "?"), store.describe(), id);
    out.flush();
    RunStatus status;
    try (RunProgressPrinter printer = new RunProgressPrinter(runs, id, out)) {
      status = executor.execute(id);
    } finally {
      registry.stopped();
    }
    RunRecord run = runs.get(id);
    if (status != RunStatus.COMPLETED) {
      String reason = runs.find(id).map(r -> failureReason(id)).orElse("");
      spec.commandLine().getErr().printf("run %d %s: %s%nresume with: java -jar worker/target/worker.jar run --resume %d%n",
          id, status.name().toLowerCase(), reason, id);
      return WorkerCommandLine.EXIT_RUN_FAILED;
    }
    out.println();
    out.print(ResultTable.markdown(run.name(), runs.results(id)));
    out.flush();
    return 0;
  }

  private String failureReason(long id) {
    return runs.stages(id).values().stream().filter(s -> s.message() != null && s.status().name().equals("FAILED"))
        .map(s -> s.stage().stepName() + ": " + s.message()).findFirst().orElse("see the stage logs");
  }

  private long resumable(long id) {
    RunRecord r = runs.find(id).orElseThrow(() -> new IllegalArgumentException("--resume: there is no run " + id));
    if (r.status() == RunStatus.COMPLETED) {
      throw new IllegalArgumentException("--resume: run " + id + " already completed");
    }
    if (r.status() == RunStatus.FAILED || r.status() == RunStatus.CANCELLED) {
      runs.requeue(id);
    }
    return id;
  }

  private long submit() throws Exception {
    if (recipe == null) {
      throw new IllegalArgumentException("--recipe is required (or --resume RUN_ID)");
    }
    Recipe parsed = Recipe.read(recipe); // every recipe error now, with file and line, before anything runs
    Path trainDir = dir(train, "train", "--train");
    Path devDir = dir(dev, "dev", "--dev");
    Map<String, String> tests = new LinkedHashMap<>();
    List<String> sets = testSets;
    if (sets == null) {
      sets = new ArrayList<>();
      for (String s : List.of("dev", "test")) {
        if (data != null && Files.isDirectory(data.resolve(s))) {
          sets.add(s);
        }
      }
    }
    for (String s : sets) {
      tests.put(s, dir(null, s, "--test-sets " + s).toAbsolutePath().toString());
    }
    String runName = name != null ? name : recipe.getFileName().toString().replaceAll("\\.ya?ml$", "");
    Integer experts = parsed.moe() == null ? null : parsed.moe().numExperts();
    return runs.insert(new RunRepository.NewRun(runName, Files.readString(recipe), parsed.modelType(), experts,
        parsed.train().seed(), trainDir.toAbsolutePath().toString(), devDir.toAbsolutePath().toString(), tests,
        maxEpochs, maxSteps, null));
  }

  private Path dir(Path given, String sub, String option) {
    Path p = given != null ? given : data != null ? data.resolve(sub) : null;
    if (p == null) {
      throw new IllegalArgumentException(option + ": give --data DIR or the directory itself");
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException(option + ": " + p + " is not a directory");
    }
    return p;
  }
}
