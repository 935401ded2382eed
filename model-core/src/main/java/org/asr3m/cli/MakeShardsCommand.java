package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asr3m.io.InputException;
import org.asr3m.shards.MakeShards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "make-shards", mixinStandardHelpOptions = true,
    description = {"Write a Kaldi data dir as WeNet shards: tar files of <id>.wav|flac + <id>.txt and their list",
        "(OUT/shards.list, one shard per line), which `asr3m train --train-data OUT/shards.list` streams with",
        "memory bounded by the recipe's buffers. Segments are cut out of their recording, decoded once; shards",
        "are written in parallel and a rerun keeps the finished ones.",
        "",
        "  asr3m make-shards --data-dir data/train_l --out data/train_l/shards --num-utts-per-shard 1000",
        ""})
final class MakeShardsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Kaldi data dir (with text).")
  Path dataDir;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output directory of the shards.")
  Path out;

  @Option(names = "--num-utts-per-shard", defaultValue = "1000", paramLabel = "N",
      description = "Utterances per shard (a recording's segments stay together; default: ${DEFAULT-VALUE}).")
  int perShard;

  @Option(names = "--threads", paramLabel = "N", description = "Shards written in parallel (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MakeShards.Result r = MakeShards.run(dataDir, out, perShard, threads);
    stdout.printf("%d shard(s) in %s (%d written with %d utterances, %d kept from an earlier run) -> %s%n",
        r.shards().size(), out, r.written(), r.utterances(), r.shards().size() - r.written(),
        out.resolve(MakeShards.LIST));
    stdout.flush();
    if (r.problems().isEmpty()) {
      return 0;
    }
    err.printf("%d problem(s); those utterances are not in the shards:%n", r.problems().size());
    for (InputException p : r.problems()) {
      err.println("  " + p.getMessage());
    }
    err.flush();
    return Asr3m.EXIT_PARTIAL;
  }
}
