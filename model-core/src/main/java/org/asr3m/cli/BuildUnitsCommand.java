package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.asr3m.data.Units;
import org.asr3m.io.InputException;
import org.asr3m.pipeline.FeaturePrep;
import org.asr3m.shards.ShardStats;
import org.asr3m.shards.UrlShardSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "build-units", mixinStandardHelpOptions = true,
    description = {"Build WeNet's units.txt from Kaldi 'text' files or the transcripts of WeNet shards:",
        "<blank> 0, <unk> 1, every character (CJK characters, upper-cased letters, digits)",
        "in code-point order, <sos/eos> last.",
        "",
        "  asr3m build-units recipes/tiny-cmn/data/train/text -o exp/units.txt",
        "  asr3m build-units --shard-list data/train/shards/shards.list -o exp/units.txt",
        ""})
final class BuildUnitsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Kaldi text files (<utt-id> <transcript>).")
  List<Path> texts = new ArrayList<>();

  @Option(names = "--shard-list", paramLabel = "LIST",
      description = "WeNet shard list instead of TEXT: the <id>.txt members of its shards, streamed (the units of"
          + " the data dir the shards were made from).")
  Path shardList;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "UNITS_TXT", description = "Output units.txt.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (texts.isEmpty() == (shardList == null)) {
      throw new IllegalArgumentException("give Kaldi text files or --shard-list LIST (one of the two)");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    if (shardList != null) {
      ShardStats.Result r = ShardStats.scan(shardList, new UrlShardSource(), true, null, null, 1);
      if (r.utterances() == 0) {
        Batches.reportShardProblems(spec.commandLine().getErr(), r);
        throw new InputException(shardList, "no complete utterance (audio + transcript) in its shards");
      }
      r.units().write(out);
      stdout.printf("%d transcripts in %d shard(s) -> %d units (%d characters + <blank>, <unk>, <sos/eos>) -> %s%n",
          r.utterances(), r.shards(), r.units().size(), r.units().size() - 3, out);
      stdout.flush();
      return Batches.reportShardProblems(spec.commandLine().getErr(), r);
    }
    List<InputException> problems = new ArrayList<>();
    List<String> transcripts = FeaturePrep.transcripts(texts, problems);
    Units units = Units.build(transcripts);
    units.write(out);
    stdout.printf("%d transcripts -> %d units (%d characters + <blank>, <unk>, <sos/eos>) -> %s%n", transcripts.size(),
        units.size(), units.size() - 3, out);
    return Batches.report(spec.commandLine().getErr(), problems, List.of(), transcripts.size() + problems.size());
  }
}
