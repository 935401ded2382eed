package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.recipe.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `asr3m bench checkpoint` on a small MoE model: the same code the 3M 32e measurement runs. */
class BenchCheckpointCommandTest {
  private static final String MOE = """
      model: conformer_moe
      encoder_conf: {output_size: 64, attention_heads: 2, linear_units: 1024, num_blocks: 2, cnn_module_kernel: 3}
      decoder_conf: {attention_heads: 2, linear_units: 64, num_blocks: 1}
      moe_conf: {num_experts: 4, router_input: layer}
      """;

  @TempDir
  Path tmp;

  @Test
  void savesResumesAndLoadsForDecodingExactlyWithoutCopyingTheModelIntoTheHeap() throws Exception {
    Path file = Files.writeString(tmp.resolve("moe.yaml"), MOE + "output_dim: 30\n");
    Path work = Files.createDirectories(tmp.resolve("work"));
    BenchCheckpointCommand.Result r = BenchCheckpointCommand.measure(Recipe.read(file), MOE + "output_dim: 30\n", work,
        2, 60, 4, new PrintWriter(Writer.nullWriter()));
    assertThat(r.resumeExact()).as("next-step loss after resume").isTrue();
    assertThat(r.decodeExact()).as("loss of the model loaded for decoding").isTrue();
    long modelBytes = r.parameters() * 4;
    // uncompressed: the float data plus a 128-byte .npy header and zip records per tensor
    assertThat(r.modelFileBytes()).isBetween(modelBytes, modelBytes + r.tensors() * 400L);
    assertThat(r.optimizerFileBytes()).isBetween(2 * modelBytes, 2 * modelBytes + 2 * r.tensors() * 400L);
    // the earlier save allocated more than twice what it wrote (Java arrays, then .npy bytes); now a fraction
    // (class loading on a first save included; CheckpointTest shows it does not grow with tensor size)
    assertThat(r.saveAllocatedBytes()).isLessThan((r.modelFileBytes() + r.optimizerFileBytes()) / 2);
    assertThat(r.rssPeakKb()).isPositive();
  }

  @Test
  void commandPrintsTheNumbersAndDeletesTheCheckpoint() throws Exception {
    Path file = Files.writeString(tmp.resolve("moe.yaml"), MOE);
    Path work = tmp.resolve("dir");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Asr3m.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "checkpoint", file.toString(),
        "--vocab", "25", "--frames", "40", "--tokens", "3", "--dir", work.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("save [0-9.]+ s: model.npz [0-9.]+ GB \\+ optimizer.npz [0-9.]+ GB")
        .containsPattern("resume \\(model \\+ optimizer\\) [0-9.]+ s .*next-step loss identical")
        .containsPattern("load for decoding \\(build \\+ read\\) [0-9.]+ s; .*loss identical to the trained model's")
        .containsPattern("memory: heap max [0-9]+ MiB, peak heap used [0-9]+ MiB .*peak resident [0-9.]+ GiB");
    assertThat(work.resolve("checkpoint")).doesNotExist();
  }
}
