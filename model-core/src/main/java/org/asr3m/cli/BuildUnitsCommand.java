package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.asr3m.data.Units;
import org.asr3m.io.InputException;
import org.asr3m.pipeline.FeaturePrep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "build-units", mixinStandardHelpOptions = true,
    description = {"Build WeNet's units.txt from Kaldi 'text' files: <blank> 0, <unk> 1, every character",
        "(CJK characters, upper-cased letters, digits) in code-point order, <sos/eos> last.",
        "",
        "  asr3m build-units recipes/tiny-cmn/data/train/text -o exp/units.txt",
        ""})
final class BuildUnitsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Kaldi text files (<utt-id> <transcript>).")
  List<Path> texts;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "UNITS_TXT", description = "Output units.txt.")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<InputException> problems = new ArrayList<>();
    List<String> transcripts = FeaturePrep.transcripts(texts, problems);
    Units units = Units.build(transcripts);
    units.write(out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("%d transcripts -> %d units (%d characters + <blank>, <unk>, <sos/eos>) -> %s%n", transcripts.size(),
        units.size(), units.size() - 3, out);
    return Batches.report(spec.commandLine().getErr(), problems, List.of(), transcripts.size() + problems.size());
  }
}
