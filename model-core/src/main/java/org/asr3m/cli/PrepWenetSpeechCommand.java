package org.asr3m.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.asr3m.data.WenetSpeechPrep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prep-wenetspeech", mixinStandardHelpOptions = true,
    description = {"Kaldi data directories (wav.scp, segments, text, utt2spk) from the WenetSpeech release's",
        "WenetSpeech.json, one per subset: train_l/train_m/train_s, dev, test_net, test_meeting.",
        "The release's opus recordings must be converted first (recipes/wenetspeech/run.sh stage 1);",
        "--audio-ext points wav.scp at the converted files under --audio-root.",
        "",
        "  asr3m prep-wenetspeech --json WenetSpeech/WenetSpeech.json --audio-root wenetspeech_flac \\",
        "      --audio-ext flac --subsets L,DEV,TEST_NET,TEST_MEETING --out data",
        ""})
final class PrepWenetSpeechCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", required = true, paramLabel = "FILE", description = "WenetSpeech.json of the release.")
  Path json;

  @Option(names = "--audio-root", required = true, paramLabel = "DIR",
      description = "Directory holding the (converted) audio with the release's relative paths.")
  Path audioRoot;

  @Option(names = "--audio-ext", paramLabel = "EXT", description = "Extension of the converted audio (e.g. flac).")
  String audioExt;

  @Option(names = "--subsets", split = ",", defaultValue = "L,DEV,TEST_NET,TEST_MEETING", paramLabel = "S[,S…]",
      description = "Subsets to write: L, M, S, W, XS, DEV, TEST_NET, TEST_MEETING (default: ${DEFAULT-VALUE}).")
  List<String> subsets;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output: one data directory per subset.")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<String> tags = subsets.stream().map(s -> s.startsWith("{") ? s : "{" + s.toUpperCase() + "}").toList();
    WenetSpeechPrep.Result r = WenetSpeechPrep.prepare(json, audioRoot, audioExt, tags, out);
    PrintWriter stdout = spec.commandLine().getOut();
    for (Map.Entry<String, Integer> e : r.segments().entrySet()) {
      stdout.printf("%-13s %,d segments -> %s%n", e.getKey(), e.getValue(), out.resolve(e.getKey()));
    }
    for (var p : r.problems()) {
      spec.commandLine().getErr().println("warning: " + p.getMessage());
    }
    if (!r.problems().isEmpty()) {
      spec.commandLine().getErr().printf("%d segment(s) left out (see warnings above)%n", r.problems().size());
      return Asr3m.EXIT_PARTIAL;
    }
    return 0;
  }
}
