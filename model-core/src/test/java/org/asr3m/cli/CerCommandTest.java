package org.asr3m.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CerCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<Exception> thrown = new AtomicReference<>();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new CerCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    // stands in for the shared entry point, which maps InputException to exit code 2
    cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
      thrown.set(ex);
      return ex instanceof InputException ? 2 : 1;
    });
    return cmd.execute(args);
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void printsOverallLine() throws IOException {
    Path ref = write("ref", "a 一二三四\nb 五六七八\n");
    Path hyp = write("hyp", "a 一二三四\nb 五六七九\n");
    assertThat(run(ref.toString(), hyp.toString())).isZero();
    assertThat(out.toString()).isEqualTo("CER 12.50 % N=8 C=7 S=1 D=0 I=0" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void missingUtterancesAreReportedOnStderrAndCountedAsDeletions() throws IOException {
    Path ref = write("ref", "u1 你好\nu2 北京欢迎你\nu3 谢谢\n");
    Path hyp = write("hyp", "u1 你好\nu7 多余\n");
    assertThat(run(ref.toString(), hyp.toString())).isZero();
    assertThat(out.toString().strip()).isEqualTo("CER 77.78 % N=9 C=2 S=0 D=7 I=0");
    assertThat(err.toString())
        .contains("2 utterance(s) of " + ref + " missing from " + hyp + ", counted as deletions: u2 u3")
        .contains("1 utterance(s) of " + hyp + " not in " + ref + " ignored");
  }

  @Test
  void detailPrintsAlignedTokensPerUtterance() throws IOException {
    Path ref = write("ref", "u1 我们去北京\nu2 GPS导航\n");
    Path hyp = write("hyp", "u1 我们去了北京\nu2 GBS导航\n");
    assertThat(run("--detail", ref.toString(), hyp.toString())).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).containsSubsequence(
        "utt: u1", "CER: 20.00 % N=5 C=5 S=0 D=0 I=1", "lab: 我 们 去    北 京", "rec: 我 们 去 了 北 京",
        "utt: u2", "CER: 33.33 % N=3 C=2 S=1 D=0 I=0", "lab: GPS 导 航", "rec: GBS 导 航");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("CER 25.00 % N=8 C=7 S=1 D=0 I=1");
  }

  @Test
  void writesJson() throws IOException {
    Path ref = write("ref", "u1 今天天气很好\nu2 你好\nu3\n");
    Path hyp = write("hyp", "u1 今天天器好\nu3 啊\n");
    Path json = dir.resolve("out/cer.json");
    assertThat(run("--json", json.toString(), ref.toString(), hyp.toString())).isZero();
    JsonNode root = JsonMapper.builder().build().readTree(Files.readString(json));
    // u1: N=6 C=4 S=1 D=1; u2 missing: N=2 D=2; u3: N=0 I=1 -> N=8, errors 5
    assertThat(root.get("cer").asDouble()).isEqualTo(62.5);
    assertThat(root.get("n").asLong()).isEqualTo(8);
    assertThat(root.get("correct").asLong()).isEqualTo(4);
    assertThat(root.get("sub").asLong()).isEqualTo(1);
    assertThat(root.get("del").asLong()).isEqualTo(3);
    assertThat(root.get("ins").asLong()).isEqualTo(1);
    List<String> missing = new ArrayList<>();
    root.get("missing").forEach(n -> missing.add(n.asString()));
    assertThat(missing).containsExactly("u2");
    JsonNode utts = root.get("utterances");
    assertThat(utts.size()).isEqualTo(3);
    JsonNode u1 = utts.get(0);
    assertThat(u1.get("id").asString()).isEqualTo("u1");
    assertThat(u1.get("cer").asDouble()).isCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(u1.get("n").asLong()).isEqualTo(6);
    assertThat(u1.get("sub").asLong()).isEqualTo(1);
    assertThat(u1.get("del").asLong()).isEqualTo(1);
    assertThat(u1.get("ins").asLong()).isZero();
    assertThat(utts.get(1).get("id").asString()).isEqualTo("u2");
    assertThat(utts.get(1).get("del").asLong()).isEqualTo(2);
    assertThat(utts.get(2).get("n").asLong()).isZero();
    assertThat(utts.get(2).get("ins").asLong()).isEqualTo(1);
    assertThat(utts.get(2).get("cer").asDouble()).isZero();
    assertThat(out.toString().strip()).isEqualTo("CER 62.50 % N=8 C=4 S=1 D=3 I=1");
  }

  @Test
  void malformedInputThrowsInputExceptionNamingFileAndLine() throws IOException {
    Path ref = write("ref", "u1 你好\nu1 再见\n");
    Path hyp = write("hyp", "u1 你好\n");
    assertThat(run(ref.toString(), hyp.toString())).isEqualTo(2);
    assertThat(thrown.get()).isInstanceOf(InputException.class)
        .hasMessage(ref + ":2: duplicate utterance id 'u1' (first at line 1)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingHypFileIsInputError() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    assertThat(run(ref.toString(), dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(thrown.get()).hasMessage(dir.resolve("nope") + ": file not found");
  }

  @Test
  void requiresBothFiles() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    assertThat(run(ref.toString())).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("Missing required parameter: 'HYP'");
  }
}
