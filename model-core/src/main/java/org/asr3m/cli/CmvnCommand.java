package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.asr3m.data.FeatureShards;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.io.InputException;
import org.asr3m.shards.ShardList;
import org.asr3m.shards.ShardStats;
import org.asr3m.shards.UrlShardSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cmvn", mixinStandardHelpOptions = true,
    description = {"Compute global CMVN statistics of a training set in WeNet's global_cmvn JSON format",
        "({\"mean_stat\": sum, \"var_stat\": sum of squares, \"frame_num\": N}).",
        "",
        "  asr3m cmvn --data-dir data/train --out exp/global_cmvn     from audio (fbank on the fly)",
        "  asr3m cmvn --shard-list data/train/shards/shards.list --out exp/global_cmvn",
        "                                                              from WeNet shards (asr3m make-shards), streamed",
        "  asr3m cmvn --shards exp/feats/train --out exp/global_cmvn  from feature shards",
        ""})
final class CmvnCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Kaldi data dir to compute features from.")
    Path dataDir;

    @Option(names = "--shard-list", paramLabel = "LIST",
        description = "WeNet shard list (tar shards of audio + transcript, local paths or http(s) URLs), read"
            + " shard by shard with bounded memory; the same statistics as on the data dir the shards came from.")
    Path shardList;

    @Option(names = "--shards", paramLabel = "DIR", description = "Feature shard directory (from asr3m fbank --data-dir).")
    Path shards;
  }

  @Mixin
  AudioMixin audio;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output global_cmvn JSON.")
  Path out;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    int code = 0;
    GlobalCmvn cmvn;
    if (source.dataDir != null && ShardList.isShardList(source.dataDir)) {
      throw new InputException(source.dataDir, "is a file, not a Kaldi data directory: for a shard list use"
          + " --shard-list");
    }
    if (source.shardList != null) {
      ShardStats.Result r = ShardStats.scan(source.shardList, new UrlShardSource(), false, audio.audioOptions(),
          audio.fbankOptions(), threads);
      code = Batches.reportShardProblems(spec.commandLine().getErr(), r);
      cmvn = r.cmvn();
    } else if (source.dataDir != null) {
      Batches.CmvnResult r = Batches.cmvn(source.dataDir, audio.audioOptions(), audio.fbankOptions(), threads,
          spec.commandLine().getErr());
      code = r.exitCode();
      cmvn = r.stats();
    } else {
      cmvn = fromShards(source.shards);
    }
    if (cmvn.frameCount() == 0) {
      throw new IllegalArgumentException("no frames to compute CMVN from");
    }
    FbankCommand.createParent(out);
    cmvn.write(out);
    stdout.printf("global CMVN over %d frames (dim %d) -> %s%n", cmvn.frameCount(), cmvn.dim(), out);
    return code;
  }

  /** Splits the shard records across threads; each accumulates its own statistics, merged at the end. */
  private GlobalCmvn fromShards(Path dir) throws Exception {
    FeatureShards.Reader reader = FeatureShards.Reader.open(dir);
    List<FeatureShards.Entry> entries = reader.entries();
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(dir + ": shard index lists no utterances");
    }
    int dim = reader.read(entries.get(0)).feats()[0].length;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<GlobalCmvn>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t;
        parts.add(pool.submit(() -> {
          GlobalCmvn part = new GlobalCmvn(dim);
          for (int i = from; i < entries.size(); i += threads) {
            part.accumulate(reader.read(entries.get(i)).feats());
          }
          return part;
        }));
      }
      GlobalCmvn total = new GlobalCmvn(dim);
      for (Future<GlobalCmvn> part : parts) {
        total.merge(Futures.get(part));
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
