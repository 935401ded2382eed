package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asr3m.pipeline.Evaluation;
import org.asr3m.score.CerReport;
import org.asr3m.score.CerScorer;
import org.asr3m.score.UtteranceResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cer", mixinStandardHelpOptions = true,
    description = {"Score recognition output against references: character error rate with WeNet's",
        "compute-wer.py --char=1 rules (case-insensitive; spaces, punctuation and <tags> removed; each CJK",
        "character one token, each run of ASCII letters/digits one token).",
        "REF and HYP are Kaldi-style '<uttid> <text...>' files. Utterances missing from HYP count as",
        "deletions and are reported on stderr; utterances only in HYP are ignored.",
        "Prints 'CER X.XX %% N=.. C=.. S=.. D=.. I=..'.",
        ""})
final class CerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REF", description = "Reference transcripts (<uttid> <text>).")
  Path ref;

  @Parameters(index = "1", paramLabel = "HYP", description = "Recognition output (<uttid> <text>).")
  Path hyp;

  @Option(names = "--detail", description = "Print the per-utterance alignment (lab:/rec: lines) before the total.")
  boolean detail;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the totals and per-utterance counts as JSON.")
  Path json;

  @Override
  public Integer call() {
    CerReport report = CerScorer.score(ref, hyp);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (detail) {
      for (UtteranceResult utt : report.utterances()) {
        out.println();
        for (String line : utt.detailLines()) {
          out.println(line);
        }
      }
      out.println("===========================================================================");
      out.println();
    }
    out.println(report.overallLine());
    out.flush();
    if (!report.missing().isEmpty()) {
      err.println("warning: " + report.missing().size() + " utterance(s) of " + ref + " missing from " + hyp
          + ", counted as deletions: " + String.join(" ", report.missing()));
    }
    if (!report.extra().isEmpty()) {
      err.println("warning: " + report.extra().size() + " utterance(s) of " + hyp + " not in " + ref
          + " ignored");
    }
    err.flush();
    if (json != null) {
      Evaluation.writeCerJson(report, json);
    }
    return 0;
  }
}
