package org.asr3m.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asr3m.io.InputException;
import org.asr3m.score.CerReport;
import org.asr3m.score.CerScorer;
import org.asr3m.score.ErrorCounts;
import org.asr3m.score.UtteranceResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
      writeJson(report, json);
    }
    return 0;
  }

  static void writeJson(CerReport report, Path file) {
    JsonMapper mapper = JsonMapper.builder().build();
    ErrorCounts total = report.total();
    ObjectNode root = mapper.createObjectNode();
    root.put("cer", total.cer());
    root.put("n", total.n());
    root.put("correct", total.correct());
    root.put("sub", total.sub());
    root.put("del", total.del());
    root.put("ins", total.ins());
    ArrayNode missing = root.putArray("missing");
    report.missing().forEach(missing::add);
    ArrayNode utterances = root.putArray("utterances");
    for (UtteranceResult utt : report.utterances()) {
      ErrorCounts c = utt.counts();
      ObjectNode node = utterances.addObject();
      node.put("id", utt.id());
      node.put("cer", c.cer());
      node.put("n", c.n());
      node.put("sub", c.sub());
      node.put("del", c.del());
      node.put("ins", c.ins());
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        mapper.writerWithDefaultPrettyPrinter().writeValue(w, root);
      }
    } catch (IOException | JacksonException e) {
      throw new InputException(file, 0, "cannot write JSON: " + e.getMessage(), e);
    }
  }
}
