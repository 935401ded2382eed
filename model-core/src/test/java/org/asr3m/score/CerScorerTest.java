package org.asr3m.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.asr3m.score.Alignment.Op;
import org.asr3m.score.Alignment.Pair;
import org.junit.jupiter.api.Test;

class CerScorerTest {
  private static Alignment align(String ref, String hyp) {
    return CerScorer.align(CerScorer.normalize(ref), CerScorer.normalize(hyp));
  }

  @Test
  void eachCjkCharacterIsOneToken() {
    assertThat(CerScorer.normalize("我们去北京")).containsExactly("我", "们", "去", "北", "京");
  }

  @Test
  void asciiLetterAndDigitRunsAreOneToken() {
    assertThat(CerScorer.normalize("GPS导航2024年")).containsExactly("GPS", "导", "航", "2024", "年");
    assertThat(CerScorer.normalize("打开Wi Fi")).containsExactly("打", "开", "WI", "FI");
  }

  @Test
  void normalisationUppercasesAndDropsSpacesTagsAndPunctuation() {
    assertThat(CerScorer.normalize("<noise>你好，世界！ hello World. <unk>"))
        .containsExactly("你", "好", "世", "界", "HELLO", "WORLD");
    assertThat(CerScorer.normalize("“北京”（中国）《报》【注】…—·、；：？ 啊\u3000吧"))
        .containsExactly("北", "京", "中", "国", "报", "注", "啊", "吧");
    assertThat(CerScorer.normalize("a,b.c!d?e;f:g\"h(i)j[k]l{m}n-o~p>q<r"))
        .containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R");
    assertThat(CerScorer.normalize("<unk><noise>")).isEmpty();
    assertThat(CerScorer.normalize("A<B>C")).as("<B> is a tag").containsExactly("A", "C");
    assertThat(CerScorer.normalize("  ，。 ")).isEmpty();
  }

  @Test
  void apostropheStaysInsideAWordOnly() {
    assertThat(CerScorer.normalize("don't 'quoted' rock’n’roll"))
        .containsExactly("DON'T", "QUOTED", "ROCK'N'ROLL");
  }

  @Test
  void caseInsensitiveComparison() {
    Alignment a = align("Hello世界", "HELLO世界");
    assertThat(a.counts()).isEqualTo(new ErrorCounts(3, 3, 0, 0, 0));
  }

  @Test
  void insertedCharacter() {
    Alignment a = align("我们去北京", "我们去了北京");
    assertThat(a.counts()).isEqualTo(new ErrorCounts(5, 5, 0, 0, 1));
    assertThat(a.pairs()).contains(new Pair(null, "了", Op.INSERTION));
    assertThat(a.counts().cer()).isEqualTo(20.0);
  }

  @Test
  void substitutionAndDeletion() {
    Alignment a = align("今天天气很好", "今天天器好");
    assertThat(a.counts()).isEqualTo(new ErrorCounts(6, 4, 1, 1, 0));
    // Tie-break at work: at (很, 器) the diagonal step and the deletion of 很 both cost 2; the diagonal wins,
    // so 很/器 is the substitution and 气 the deletion.
    assertThat(a.pairs()).containsExactly(
        new Pair("今", "今", Op.CORRECT), new Pair("天", "天", Op.CORRECT), new Pair("天", "天", Op.CORRECT),
        new Pair("气", null, Op.DELETION), new Pair("很", "器", Op.SUBSTITUTION), new Pair("好", "好", Op.CORRECT));
  }

  @Test
  void englishWordIsSubstitutedAsAWhole() {
    Alignment a = align("GPS导航", "GBS导航");
    assertThat(a.counts()).isEqualTo(new ErrorCounts(3, 2, 1, 0, 0));
    assertThat(a.pairs().get(0)).isEqualTo(new Pair("GPS", "GBS", Op.SUBSTITUTION));
  }

  @Test
  void tieBreakPrefersSubstitutionOverDeletionOverInsertion() {
    // AB vs BA: S=2 and D=1,C=1,I=1 both cost 2; the diagonal preference gives two substitutions
    assertThat(CerScorer.align(List.of("A", "B"), List.of("B", "A")).counts())
        .isEqualTo(new ErrorCounts(2, 0, 2, 0, 0));
    // A vs BA: insertion of B then A correct is the only cost-1 alignment
    assertThat(CerScorer.align(List.of("A"), List.of("B", "A")).pairs())
        .containsExactly(new Pair(null, "B", Op.INSERTION), new Pair("A", "A", Op.CORRECT));
    // AB vs C: sub+del either way round; the diagonal is taken first from the end: A deleted, B->C substituted
    assertThat(CerScorer.align(List.of("A", "B"), List.of("C")).pairs())
        .containsExactly(new Pair("A", null, Op.DELETION), new Pair("B", "C", Op.SUBSTITUTION));
    // A vs BC: sub+ins; from the end, C is compared with A first (diagonal), B inserted before it
    assertThat(CerScorer.align(List.of("A"), List.of("B", "C")).pairs())
        .containsExactly(new Pair(null, "B", Op.INSERTION), new Pair("A", "C", Op.SUBSTITUTION));
  }

  @Test
  void emptySides() {
    assertThat(CerScorer.align(List.of("你", "好"), List.of()).counts()).isEqualTo(new ErrorCounts(2, 0, 0, 2, 0));
    assertThat(CerScorer.align(List.of(), List.of("啊")).counts()).isEqualTo(new ErrorCounts(0, 0, 0, 0, 1));
    Alignment none = CerScorer.align(List.of(), List.of());
    assertThat(none.counts()).isEqualTo(ErrorCounts.ZERO);
    assertThat(none.pairs()).isEmpty();
  }

  @Test
  void alignmentIsAMinimumEditDistanceAndCoversBothSequences() {
    Random random = new Random(7);
    for (int trial = 0; trial < 500; trial++) {
      List<String> ref = randomTokens(random);
      List<String> hyp = randomTokens(random);
      Alignment a = CerScorer.align(ref, hyp);
      assertThat(a.counts().errors()).as("%s vs %s", ref, hyp).isEqualTo(editDistance(ref, hyp));
      assertThat(a.refTokens()).isEqualTo(ref);
      assertThat(a.hypTokens()).isEqualTo(hyp);
      for (Pair p : a.pairs()) {
        if (p.op() == Op.CORRECT) {
          assertThat(p.ref()).isEqualTo(p.hyp());
        } else if (p.op() == Op.SUBSTITUTION) {
          assertThat(p.ref()).isNotEqualTo(p.hyp());
        }
      }
      assertThat(a.counts().correct() + a.counts().sub() + a.counts().ins()).isEqualTo(hyp.size());
    }
  }

  private static List<String> randomTokens(Random random) {
    int len = random.nextInt(9);
    List<String> tokens = new ArrayList<>(len);
    for (int i = 0; i < len; i++) {
      tokens.add(String.valueOf((char) ('A' + random.nextInt(3))));
    }
    return tokens;
  }

  /** Plain recursive-definition Levenshtein distance, independent of the implementation under test. */
  private static long editDistance(List<String> a, List<String> b) {
    int[][] d = new int[a.size() + 1][b.size() + 1];
    for (int i = 0; i <= a.size(); i++) {
      for (int j = 0; j <= b.size(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
        } else {
          d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
              d[i - 1][j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1));
        }
      }
    }
    return d[a.size()][b.size()];
  }

  @Test
  void detailLinesAlignTokensByDisplayWidth() {
    UtteranceResult r = new UtteranceResult("u1", align("我们去北京", "我们去了北京"), false);
    assertThat(r.detailLines()).containsExactly(
        "utt: u1",
        "CER: 20.00 % N=5 C=5 S=0 D=0 I=1",
        "lab: 我 们 去    北 京",
        "rec: 我 们 去 了 北 京");
    UtteranceResult mixed = new UtteranceResult("u2", align("打开GPS", "打开吗"), false);
    assertThat(mixed.detailLines()).containsExactly(
        "utt: u2",
        "CER: 33.33 % N=3 C=2 S=1 D=0 I=0",
        "lab: 打 开 GPS",
        "rec: 打 开 吗");
  }
}
