package org.asr3m.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.asr3m.decode.Recognizer;
import org.asr3m.moe.ExpertStats;
import org.asr3m.pipeline.Evaluation;
import org.asr3m.train.Checkpoint;
import org.asr3m.train.ExperimentData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true,
    description = {"Decode a data directory with a checkpoint and write a Kaldi-style text file of hypotheses.",
        "",
        "  asr3m decode --checkpoint exp/conformer/final --data-dir recipes/tiny-cmn/data/test --out exp/test/text",
        "  asr3m decode ... --mode ctc_greedy_search",
        "  asr3m decode ... --chunk-size 16          chunk-wise attention (streaming-style context)",
        ""})
final class DecodeCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
  Path checkpoint;

  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Data directory to decode.")
  Path dataDir;

  @Option(names = "--out", required = true, paramLabel = "TEXT", description = "Hypothesis file (<utt-id> <text>).")
  Path out;

  @Option(names = "--mode", defaultValue = "attention_rescoring", paramLabel = "MODE",
      description = "ctc_greedy_search, ctc_prefix_beam_search, attention or attention_rescoring (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--beam", defaultValue = "10", paramLabel = "N", description = "Beam size (default: ${DEFAULT-VALUE}).")
  int beam;

  @Option(names = "--ctc-weight", defaultValue = "0.5", paramLabel = "W",
      description = "CTC score weight in attention rescoring (default: ${DEFAULT-VALUE}).")
  double ctcWeight;

  @Option(names = "--reverse-weight", defaultValue = "0.0", paramLabel = "W",
      description = "Right-to-left decoder weight in rescoring, bitransformer only (default: ${DEFAULT-VALUE}).")
  double reverseWeight;

  @Option(names = "--chunk-size", defaultValue = "0", paramLabel = "FRAMES",
      description = "Stream: encode chunk by chunk of FRAMES encoder frames with attention/convolution caches"
          + " (exact for causal models such as u2pp_moe); 0 = full context (default).")
  int chunkSize;

  @Option(names = "--left-chunks", defaultValue = "-1", paramLabel = "N",
      description = "Left chunks visible with --chunk-size; negative = all (default).")
  int leftChunks;

  @Option(names = "--expert-stats", paramLabel = "JSON",
      description = "Where MoE models write their expert utilisation (default: expert_stats.json next to --out).")
  Path expertStats;

  @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu, gpu0, … (default: DJL's choice).")
  String device;

  @Override
  public Integer call() throws Exception {
    Recognizer.Mode m = Recognizer.Mode.parse(mode);
    if (beam < 1) {
      throw new IllegalArgumentException("--beam must be >= 1");
    }
    if (!(ctcWeight >= 0) || !(reverseWeight >= 0 && reverseWeight <= 1) || chunkSize < 0) {
      throw new IllegalArgumentException("--ctc-weight must be >= 0, --reverse-weight in [0, 1] and --chunk-size >= 0,"
          + " got " + ctcWeight + ", " + reverseWeight + " and " + chunkSize);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    Device d = device == null ? null : Device.fromName(device);
    try (NDManager manager = d == null ? NDManager.newBaseManager() : NDManager.newBaseManager(d)) {
      Checkpoint.Loaded loaded = Checkpoint.load(checkpoint, manager);
      if (reverseWeight > 0 && !loaded.model().decoder().bidirectional()) {
        throw new IllegalArgumentException("--reverse-weight needs a bidirectional decoder; this model has none");
      }
      ExperimentData data = ExperimentData.load(dataDir, loaded.units(), loaded.recipe(), false);
      for (var p : data.problems()) {
        spec.commandLine().getErr().println("warning: " + p.getMessage());
      }
      Evaluation.Decoded decoded = Evaluation.decodeTo(loaded, manager, data,
          new Recognizer.Options(m, beam, ctcWeight, reverseWeight, chunkSize, leftChunks), out);
      stdout.printf("decoded %d utterances (%.1f s of audio) in %.1f s, RTF %.4f -> %s%n", decoded.utterances(),
          decoded.audioSeconds(), decoded.seconds(), decoded.rtf(), out);
      ExpertStats stats = decoded.stats();
      if (!stats.isEmpty()) {
        Path file = expertStats != null ? expertStats : out.resolveSibling("expert_stats.json");
        ExpertStats.write(file, java.util.Map.of("layers", stats.toJson()));
        stdout.println("expert utilisation (share of frames per expert) -> " + file);
        stats.summary().forEach(line -> stdout.println("  " + line));
      }
      int skipped = data.problems().size() + data.filter().removed().size();
      if (skipped > 0) {
        spec.commandLine().getErr().printf("%d utterance(s) could not be decoded (see warnings above)%n", skipped);
        return Asr3m.EXIT_PARTIAL;
      }
    }
    return 0;
  }
}
