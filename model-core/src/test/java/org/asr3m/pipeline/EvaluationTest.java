package org.asr3m.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.asr3m.audio.AudioOptions;
import org.asr3m.cli.Asr3m;
import org.asr3m.data.KaldiDataDir;
import org.asr3m.data.Units;
import org.asr3m.decode.Recognizer;
import org.asr3m.io.InputException;
import org.asr3m.model.AsrModel;
import org.asr3m.recipe.Recipe;
import org.asr3m.score.CerScorer;
import org.asr3m.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evaluation stage with an (untrained) MoE checkpoint on 8 tiny-cmn test utterances: two modes
 * from one model load, each with its text, CER and expert statistics, and the same files as the
 * CLI commands write.
 */
class EvaluationTest {
  private static final String RECIPE = """
      model: conformer_moe
      encoder_conf: {output_size: 32, attention_heads: 4, linear_units: 64, num_blocks: 2, cnn_module_kernel: 5}
      decoder_conf: {attention_heads: 4, linear_units: 64, num_blocks: 1}
      moe_conf: {num_experts: 3, router_input: layer}
      seed: 9
      """;

  @TempDir
  static Path tmp;

  private static Path data;
  private static Path checkpoint;

  @BeforeAll
  static void checkpoint() throws Exception {
    data = TinyCorpus.subset("test", 8, 6, tmp.resolve("test"));
    Path unitsFile = tmp.resolve("units.txt");
    Units units = Units.build(KaldiDataDir.readText(TinyCorpus.DATA.resolve("train/text"), new java.util.ArrayList<>())
        .values());
    units.write(unitsFile);
    Recipe recipe = Recipe.fromYaml(Path.of("r.yaml"), RECIPE).withVocab(units.size());
    checkpoint = tmp.resolve("ckpt");
    try (NDManager m = NDManager.newBaseManager()) {
      AsrModel model = AsrModel.create(recipe, m, 9);
      model.encoder().setCmvn(FeaturePrep.cmvn(data, AudioOptions.MONO_16K, recipe.data().fbank().withDither(0), 2)
          .stats());
      Checkpoint.save(checkpoint, model, null, new Checkpoint.State(0, 0, 0, 9, List.of()), RECIPE, unitsFile);
    }
  }

  @Test
  void decodesEveryModeAndScoresItConsistently() throws Exception {
    StringWriter log = new StringWriter();
    List<Recognizer.Options> modes = List.of(Evaluation.options("ctc_greedy_search", 4, 0),
        Evaluation.options("attention_rescoring", 4, 0));
    Path out = tmp.resolve("eval");
    Map<String, Evaluation.Result> results = Evaluation.decode(checkpoint, data, modes, out, "cpu",
        new PrintWriter(log));
    assertThat(results.keySet()).containsExactly("ctc_greedy_search", "attention_rescoring");

    long refChars = 0;
    for (String line : Files.readAllLines(data.resolve("text"))) {
      refChars += CerScorer.normalize(line.split(" ", 2)[1]).size();
    }
    JsonMapper json = JsonMapper.builder().build();
    for (Evaluation.Result r : results.values()) {
      Path dir = out.resolve(r.mode());
      assertThat(r.text()).isEqualTo(dir.resolve("text"));
      assertThat(r.cerJson()).isEqualTo(dir.resolve("cer.json"));
      assertThat(r.utterances()).isEqualTo(8);
      assertThat(Files.readAllLines(r.text())).hasSize(8);
      assertThat(r.refChars()).isEqualTo(refChars);
      assertThat(r.refChars()).isEqualTo(r.correct() + r.substitutions() + r.deletions());
      assertThat(r.cer()).isEqualTo((r.substitutions() + r.deletions() + r.insertions()) * 100.0 / r.refChars());
      assertThat(r.rtf()).isPositive();
      assertThat(r.problems()).isEmpty();
      JsonNode cer = json.readTree(r.cerJson().toFile());
      assertThat(cer.get("n").asLong()).isEqualTo(r.refChars());
      assertThat(cer.get("correct").asLong()).isEqualTo(r.correct());
      assertThat(cer.get("sub").asLong()).isEqualTo(r.substitutions());
      assertThat(cer.get("del").asLong()).isEqualTo(r.deletions());
      assertThat(cer.get("ins").asLong()).isEqualTo(r.insertions());
      assertThat(cer.get("cer").asDouble()).isEqualTo(r.cer());
      assertThat(cer.get("utterances").size()).isEqualTo(8);
      // every encoder frame routed once per MoE layer
      assertThat(r.expertStats()).isEqualTo(dir.resolve("expert_stats.json"));
      JsonNode layers = json.readTree(r.expertStats().toFile()).get("layers");
      assertThat(layers.size()).isEqualTo(2);
      long first = layers.get(0).get("frames").valueStream().mapToLong(JsonNode::asLong).sum();
      assertThat(first).isPositive();
      assertThat(layers.get(1).get("frames").valueStream().mapToLong(JsonNode::asLong).sum()).isEqualTo(first);
      assertThat(log.toString()).contains(r.mode() + ": CER ");

      // `asr3m cer --json` writes the same file from the same hypotheses
      Path cliJson = tmp.resolve("cli-" + r.mode() + ".json");
      StringWriter err = new StringWriter();
      assertThat(Asr3m.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "cer",
          data.resolve("text").toString(), r.text().toString(), "--json", cliJson.toString())).as(err.toString()).isZero();
      assertThat(Files.readAllBytes(cliJson)).isEqualTo(Files.readAllBytes(r.cerJson()));
    }
    // and `asr3m decode` the same hypotheses
    Path cliText = tmp.resolve("cli-decode/text");
    StringWriter err = new StringWriter();
    assertThat(Asr3m.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "decode", "--checkpoint",
        checkpoint.toString(), "--data-dir", data.toString(), "--mode", "attention_rescoring", "--beam", "4", "--out",
        cliText.toString())).as(err.toString()).isZero();
    assertThat(Files.readAllLines(cliText)).isEqualTo(Files.readAllLines(results.get("attention_rescoring").text()));
    assertThat(cliText.resolveSibling("expert_stats.json")).exists();
  }

  @Test
  void badRequestsAreNamed() throws Exception {
    Recognizer.Options greedy = Evaluation.options("ctc_greedy_search", 4, 0);
    PrintWriter log = new PrintWriter(new StringWriter());
    assertThatThrownBy(() -> Evaluation.decode(checkpoint, data, List.of(greedy, greedy), tmp.resolve("x"), "cpu", log))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ctc_greedy_search is listed twice");
    Path noText = Files.createDirectories(tmp.resolve("no-text"));
    Files.copy(data.resolve("wav.scp"), noText.resolve("wav.scp"));
    assertThatThrownBy(() -> Evaluation.decode(checkpoint, noText, List.of(greedy), tmp.resolve("x"), "cpu", log))
        .isInstanceOf(InputException.class).hasMessageContaining("no-text/text: missing");
    assertThatThrownBy(() -> Evaluation.decode(checkpoint, data, List.of(Evaluation.options("attention_rescoring", 4,
        0.3)), tmp.resolve("x"), "cpu", log)).hasMessageContaining("needs a bidirectional decoder");
    assertThat(Evaluation.modeName(new Recognizer.Options(Recognizer.Mode.ATTENTION_RESCORING, 10, 0.5, 0, 16, -1)))
        .isEqualTo("attention_rescoring_chunk16");
  }
}
