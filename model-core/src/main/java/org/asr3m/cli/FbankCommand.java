package org.asr3m.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.asr3m.data.CharTokenizer;
import org.asr3m.data.FeatureShards;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.UnkCounter;
import org.asr3m.data.Units;
import org.asr3m.features.FeatureExtractor;
import org.asr3m.features.ParallelExtraction;
import org.asr3m.io.KaldiTextMatrix;
import org.asr3m.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "fbank", mixinStandardHelpOptions = true,
    description = {"Compute Kaldi-compatible log-mel filterbank features (float32, frames x bins).",
        "",
        "  asr3m fbank IN.wav OUT.npy          one file -> NumPy .npy",
        "  asr3m fbank IN.flac OUT.txt         one file -> Kaldi text matrix (any OUT not ending in .npy)",
        "  asr3m fbank --data-dir DIR OUTDIR   a Kaldi data dir -> feature shards (see FeatureShards)",
        ""})
final class FbankCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  AudioMixin audio;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Kaldi data dir (wav.scp, optional segments/text/utt2spk) to turn into shards.")
  Path dataDir;

  @Option(names = "--units", paramLabel = "UNITS_TXT",
      description = "With --data-dir: units.txt used to store token ids of each transcript in the shards.")
  Path units;

  @Option(names = "--threads", paramLabel = "N", description = "Extraction threads (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--shard-size-mb", paramLabel = "MB", defaultValue = "64",
      description = "Target shard size in MiB (default: ${DEFAULT-VALUE}).")
  int shardSizeMb;

  @Parameters(paramLabel = "PATH", arity = "1..2",
      description = "IN OUT for one file, or OUTDIR with --data-dir.")
  List<Path> paths;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (shardSizeMb < 1) {
      throw new IllegalArgumentException("--shard-size-mb must be at least 1, got " + shardSizeMb);
    }
    if (dataDir == null) {
      if (paths.size() != 2) {
        throw new IllegalArgumentException("expected IN and OUT paths (or --data-dir DIR OUTDIR)");
      }
      return single(paths.get(0), paths.get(1), out);
    }
    if (paths.size() != 1) {
      throw new IllegalArgumentException("with --data-dir give exactly one output directory");
    }
    return dataDir(paths.get(0), out);
  }

  private int single(Path in, Path outFile, PrintWriter out) throws Exception {
    float[][] feats = new FeatureExtractor(audio.audioOptions(), audio.fbankOptions(), 0L).extract(in, 0, -1);
    createParent(outFile);
    if (outFile.getFileName().toString().endsWith(".npy")) {
      Npy.write(outFile, feats);
    } else {
      String key = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      try (BufferedWriter w = Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)) {
        KaldiTextMatrix.write(w, key, feats);
      }
    }
    out.printf("%s: %d frames x %d bins -> %s%n", in, feats.length, feats[0].length, outFile);
    return 0;
  }

  private int dataDir(Path outDir, PrintWriter out) throws Exception {
    KaldiDataDir dir = KaldiDataDir.load(dataDir);
    Units vocab = units == null ? null : Units.read(units);
    UnkCounter unk = new UnkCounter();
    Files.createDirectories(outDir);
    List<ParallelExtraction.Item> items = Batches.items(dir);
    var texts = Batches.texts(dir);
    long[] frames = {0};
    List<ParallelExtraction.Failure> failures;
    try (FeatureShards.Writer writer = new FeatureShards.Writer(outDir, (long) shardSizeMb << 20)) {
      failures = new ParallelExtraction(audio.audioOptions(), audio.fbankOptions(), threads).run(items,
          (item, feats) -> {
            String text = texts.get(item.id());
            int[] tokens = vocab == null || text == null ? new int[0] : CharTokenizer.encode(text, vocab, unk);
            writer.add(item.id(), feats, tokens);
            frames[0] += feats.length;
          });
    }
    int written = items.size() - failures.size();
    out.printf("%s: wrote %d utterance(s), %d frames, to shards in %s%n", dataDir, written, frames[0], outDir);
    if (unk.total() > 0) {
      out.println("warning: " + unk.summary());
    }
    return Batches.report(spec.commandLine().getErr(), dir.problems(), failures, items.size() + dir.problems().size());
  }

  static void createParent(Path file) throws java.io.IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
