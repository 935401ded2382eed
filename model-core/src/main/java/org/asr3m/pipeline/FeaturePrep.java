package org.asr3m.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asr3m.audio.AudioOptions;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Units;
import org.asr3m.data.Utterance;
import org.asr3m.features.FbankOptions;
import org.asr3m.features.GlobalCmvn;
import org.asr3m.features.ParallelExtraction;
import org.asr3m.io.InputException;
import org.asr3m.recipe.Recipe;

/**
 * The feature-preparation stage: the modelling units from the training transcripts
 * ({@code asr3m build-units}) and the global CMVN of the training audio ({@code asr3m cmvn
 * --data-dir}, no dither), both under one output directory. Bad utterances are skipped and
 * returned as problems after the others were counted; a set with no readable audio is an error.
 */
public final class FeaturePrep {
  /** Bump when the tokenizer or the statistics change meaning, so stored results are not reused. */
  private static final String FORMAT = "asr3m-feature-prep-1";

  private FeaturePrep() {}

  /**
   * What the stage wrote.
   *
   * @param utterances utterances whose features went into the CMVN
   * @param frames frames of those utterances
   * @param problems data-directory problems and unreadable utterances (all skipped)
   */
  public record Result(Path units, Path cmvn, long utterances, long frames, List<InputException> problems) {}

  /**
   * Global CMVN statistics of a data directory.
   *
   * @param items utterances attempted
   * @param dataProblems problems of the directory's files (their utterances were never attempted)
   * @param failures utterances whose audio could not be read
   */
  public record CmvnStats(GlobalCmvn stats, int items, List<InputException> dataProblems,
      List<ParallelExtraction.Failure> failures) {
    /** Utterances that went into the statistics. */
    public int utterances() {
      return items - failures.size();
    }

    /** Every problem as an exception naming the file (or the utterance). */
    public List<InputException> problems() {
      List<InputException> all = new ArrayList<>(dataProblems);
      for (ParallelExtraction.Failure f : failures) {
        all.add(new InputException(null, 0, f.id() + ": " + f.message()));
      }
      return all;
    }
  }

  /**
   * Writes {@code outDir/units.txt} and {@code outDir/global_cmvn} for the training set.
   *
   * @param threads feature-extraction threads
   * @param log receives one line per file written
   */
  public static Result prepare(Path trainDir, Recipe recipe, Path outDir, int threads, PrintWriter log)
      throws IOException {
    List<InputException> textProblems = new ArrayList<>();
    Path unitsFile = writeUnits(trainDir, outDir, textProblems, log);
    CmvnStats c = cmvn(trainDir, AudioOptions.MONO_16K, recipe.data().fbank().withDither(0), threads);
    return writeCmvn(trainDir, unitsFile, List.of(c), textProblems, outDir, log);
  }

  /** {@code outDir/units.txt} from the training transcripts; bad text lines go to {@code problems}. */
  public static Path writeUnits(Path trainDir, Path outDir, List<InputException> problems, PrintWriter log)
      throws IOException {
    Files.createDirectories(outDir);
    List<String> transcripts = transcripts(List.of(trainDir.resolve("text")), problems);
    Units units = Units.build(transcripts);
    Path unitsFile = outDir.resolve("units.txt");
    units.write(unitsFile);
    log.printf("%d transcripts -> %d units -> %s%n", transcripts.size(), units.size(), unitsFile);
    return unitsFile;
  }

  /**
   * Merges the statistics of a data set's partitions (in partition order, so the sums do not depend
   * on which partition finished first) into {@code outDir/global_cmvn} and reports every problem once.
   */
  public static Result writeCmvn(Path trainDir, Path unitsFile, List<CmvnStats> partitions,
      List<InputException> textProblems, Path outDir, PrintWriter log) throws IOException {
    Files.createDirectories(outDir);
    Map<String, InputException> problems = new LinkedHashMap<>();
    // text problems are found again when the directory is loaded: report each once
    for (InputException p : textProblems) {
      problems.putIfAbsent(p.getMessage(), p);
    }
    GlobalCmvn merged = null;
    long utterances = 0;
    for (CmvnStats c : partitions) {
      for (InputException p : c.problems()) {
        problems.putIfAbsent(p.getMessage(), p);
      }
      if (merged == null) {
        merged = new GlobalCmvn(c.stats().dim());
      }
      merged.merge(c.stats());
      utterances += c.utterances();
    }
    if (merged == null || merged.frameCount() == 0) {
      throw new InputException(trainDir, "no readable audio to compute CMVN from (" + problems.size()
          + " problem(s)" + (problems.isEmpty() ? "" : ", first: " + problems.keySet().iterator().next()) + ")");
    }
    Path cmvnFile = outDir.resolve("global_cmvn");
    merged.write(cmvnFile);
    log.printf("global CMVN over %d frames of %d utterances -> %s%n", merged.frameCount(), utterances, cmvnFile);
    for (InputException p : problems.values()) {
      log.println("warning: " + p.getMessage());
    }
    log.flush();
    return new Result(unitsFile, cmvnFile, utterances, merged.frameCount(), List.copyOf(problems.values()));
  }

  /**
   * Every front-end setting that changes units.txt or global_cmvn, as one canonical string: hash it
   * with the data fingerprint to decide whether an earlier preparation can be reused. Training-time
   * augmentation (dither, speed perturbation, SpecAugment, noise) is left out: the CMVN is computed
   * on clean audio.
   */
  public static String settingsKey(Recipe recipe) {
    FbankOptions f = recipe.data().fbank();
    AudioOptions a = AudioOptions.MONO_16K;
    return FORMAT + ";units=char-nfkc"
        + ";num_mel_bins=" + f.numMelBins() + ";frame_length_ms=" + f.frameLengthMs()
        + ";frame_shift_ms=" + f.frameShiftMs() + ";sample_rate=" + f.sampleRate() + ";low_freq=" + f.lowFreq()
        + ";high_freq=" + f.highFreq() + ";preemphasis=" + f.preemphasis() + ";dither=0"
        + ";channel=" + a.channel() + ";audio_rate=" + a.targetRate() + ";resample=" + a.resample();
  }

  /** The transcripts of Kaldi text files, in file order; bad lines go to {@code problems}. */
  public static List<String> transcripts(List<Path> textFiles, List<InputException> problems) {
    List<String> out = new ArrayList<>();
    for (Path t : textFiles) {
      if (!Files.isRegularFile(t)) {
        throw new InputException(t, "text file not found");
      }
      out.addAll(KaldiDataDir.readText(t, problems).values());
    }
    return out;
  }

  /** Global CMVN over every readable utterance of {@code dataDir}, features on {@code threads} threads. */
  public static CmvnStats cmvn(Path dataDir, AudioOptions audio, FbankOptions fbank, int threads) throws IOException {
    return cmvn(dataDir, audio, fbank, threads, 0, Integer.MAX_VALUE);
  }

  /**
   * CMVN statistics of one partition of a data directory: the utterances {@code from} (inclusive)
   * to {@code to} (exclusive) in the directory's order. The directory's own file problems are
   * reported by the first partition only, so that merged partitions report each once.
   */
  public static CmvnStats cmvn(Path dataDir, AudioOptions audio, FbankOptions fbank, int threads, int from, int to)
      throws IOException {
    KaldiDataDir data = KaldiDataDir.load(dataDir);
    List<ParallelExtraction.Item> all = items(data);
    List<ParallelExtraction.Item> items = all.subList(Math.min(from, all.size()), Math.min(to, all.size()));
    GlobalCmvn stats = new GlobalCmvn(fbank.numMelBins());
    List<ParallelExtraction.Failure> failures;
    try {
      // the sink sees utterances in list order, so the sums do not depend on the thread count
      failures = new ParallelExtraction(audio, fbank, threads).run(items, (item, feats) -> stats.accumulate(feats));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("feature extraction of " + dataDir + " failed: " + e, e);
    }
    return new CmvnStats(stats, items.size(), from == 0 ? data.problems() : List.of(), List.copyOf(failures));
  }

  /** Utterances of a data directory that feature extraction would attempt (for partitioning). */
  public static int utterances(Path dataDir) {
    return KaldiDataDir.load(dataDir).utterances().size();
  }

  /** The extraction items (id, audio, segment) of a loaded data directory. */
  public static List<ParallelExtraction.Item> items(KaldiDataDir dir) {
    List<ParallelExtraction.Item> items = new ArrayList<>();
    for (Utterance u : dir.utterances()) {
      items.add(new ParallelExtraction.Item(u.id(), u.audio(), u.startSec(), u.endSec()));
    }
    return items;
  }
}
