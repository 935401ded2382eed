package org.asr3m.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CerScoreFilesTest {
  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void scoresAllReferenceUtterances() throws IOException {
    Path ref = write("ref", "u1 我们去北京\nu2 今天天气很好\n\nu3 GPS导航\n");
    Path hyp = write("hyp", "u3 gbs 导航\nu1 我们去了北京\nu2 今天天器好\n");
    CerReport report = CerScorer.score(ref, hyp);
    assertThat(report.utterances()).extracting(UtteranceResult::id).containsExactly("u1", "u2", "u3");
    assertThat(report.utterances()).extracting(UtteranceResult::counts).containsExactly(
        new ErrorCounts(5, 5, 0, 0, 1), new ErrorCounts(6, 4, 1, 1, 0), new ErrorCounts(3, 2, 1, 0, 0));
    // N = 5 + 6 + 3 = 14, errors = 1 + 2 + 1 = 4 -> 28.571... %
    assertThat(report.total()).isEqualTo(new ErrorCounts(14, 11, 2, 1, 1));
    assertThat(report.overallLine()).isEqualTo("CER 28.57 % N=14 C=11 S=2 D=1 I=1");
    assertThat(report.missing()).isEmpty();
    assertThat(report.extra()).isEmpty();
  }

  @Test
  void overallLineFormat() throws IOException {
    Path ref = write("ref", "a 一二三四\nb 五六七八\n");
    Path hyp = write("hyp", "a 一二三四\nb 五六七九\n");
    assertThat(CerScorer.score(ref, hyp).overallLine()).isEqualTo("CER 12.50 % N=8 C=7 S=1 D=0 I=0");
  }

  @Test
  void missingUtteranceCountsAsDeletionsAndExtraIsIgnored() throws IOException {
    Path ref = write("ref", "u1 你好\nu2 北京欢迎你\n");
    Path hyp = write("hyp", "u1 你好\nu9 多余的\n");
    CerReport report = CerScorer.score(ref, hyp);
    assertThat(report.missing()).containsExactly("u2");
    assertThat(report.extra()).containsExactly("u9");
    UtteranceResult u2 = report.utterances().get(1);
    assertThat(u2.missing()).isTrue();
    assertThat(u2.counts()).isEqualTo(new ErrorCounts(5, 0, 0, 5, 0));
    assertThat(u2.detailLines()).startsWith("utt: u2 (missing from HYP)", "CER: 100.00 % N=5 C=0 S=0 D=5 I=0");
    assertThat(report.total()).isEqualTo(new ErrorCounts(7, 2, 0, 5, 0));
    assertThat(report.overallLine()).isEqualTo("CER 71.43 % N=7 C=2 S=0 D=5 I=0");
  }

  @Test
  void emptyHypothesisLineIsAllDeletionsButNotMissing() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    Path hyp = write("hyp", "u1\n");
    CerReport report = CerScorer.score(ref, hyp);
    assertThat(report.missing()).isEmpty();
    assertThat(report.utterances().get(0).missing()).isFalse();
    assertThat(report.total()).isEqualTo(new ErrorCounts(2, 0, 0, 2, 0));
  }

  @Test
  void emptyReferenceHasNoTokensButItsInsertionsCountInTheTotal() throws IOException {
    Path ref = write("ref", "u1 我们去北京\nu2\n");
    Path hyp = write("hyp", "u1 我们去北京\nu2 啊啊\n");
    CerReport report = CerScorer.score(ref, hyp);
    ErrorCounts u2 = report.utterances().get(1).counts();
    assertThat(u2).isEqualTo(new ErrorCounts(0, 0, 0, 0, 2));
    assertThat(u2.cer()).isEqualTo(0.0);
    assertThat(report.overallLine()).isEqualTo("CER 40.00 % N=5 C=5 S=0 D=0 I=2");
  }

  @Test
  void normalisationAppliesToFileText() throws IOException {
    Path ref = write("ref", "\uFEFFu1\t<noise> 你好，世界！Hello\r\n");
    Path hyp = write("hyp", "u1   你 好 世 界 hello 。\n");
    CerReport report = CerScorer.score(ref, hyp);
    assertThat(report.utterances()).extracting(UtteranceResult::id).containsExactly("u1");
    assertThat(report.overallLine()).isEqualTo("CER 0.00 % N=5 C=5 S=0 D=0 I=0");
  }

  @Test
  void lineWithoutIdNamesFileAndLine() throws IOException {
    Path ref = write("ref", "u1 你好\n 你好\n");
    Path hyp = write("hyp", "u1 你好\n");
    assertThatThrownBy(() -> CerScorer.score(ref, hyp))
        .isInstanceOf(InputException.class)
        .hasMessage(ref + ":2: line starts with whitespace; expected '<uttid> <text>'")
        .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(2));
  }

  @Test
  void duplicateIdNamesBothLines() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    Path hyp = write("hyp", "u1 你好\n\nu2 好\nu1 您好\n");
    assertThatThrownBy(() -> CerScorer.score(ref, hyp))
        .isInstanceOf(InputException.class)
        .hasMessage(hyp + ":4: duplicate utterance id 'u1' (first at line 1)");
  }

  @Test
  void missingFileIsInputError() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    Path hyp = dir.resolve("no-such-hyp");
    assertThatThrownBy(() -> CerScorer.score(ref, hyp))
        .isInstanceOf(InputException.class)
        .hasMessage(hyp + ": file not found");
    assertThatThrownBy(() -> CerScorer.score(dir, ref))
        .isInstanceOf(InputException.class)
        .hasMessage(dir + ": is a directory, expected a text file");
  }

  @Test
  void invalidUtf8NamesTheLine() throws IOException {
    Path ref = write("ref", "u1 你好\n");
    Path hyp = dir.resolve("hyp");
    Files.write(hyp, new byte[] {'u', '1', ' ', 'a', '\n', 'u', '2', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> CerScorer.score(ref, hyp))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(hyp + ":2: not valid UTF-8");
  }
}
