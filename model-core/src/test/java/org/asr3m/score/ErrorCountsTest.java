package org.asr3m.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ErrorCountsTest {
  @Test
  void errorsAndCerArePercentOfReferenceTokens() {
    ErrorCounts c = new ErrorCounts(8, 6, 1, 1, 2);
    assertThat(c.errors()).isEqualTo(4);
    assertThat(c.cer()).isEqualTo(50.0);
    assertThat(c.summary()).isEqualTo("N=8 C=6 S=1 D=1 I=2");
  }

  @Test
  void plusAddsElementWise() {
    ErrorCounts sum = new ErrorCounts(5, 4, 1, 0, 0).plus(new ErrorCounts(3, 1, 0, 2, 1));
    assertThat(sum).isEqualTo(new ErrorCounts(8, 5, 1, 2, 1));
    assertThat(ErrorCounts.ZERO.plus(sum)).isEqualTo(sum);
  }

  @Test
  void emptyReferenceScoresZeroLikeWenetButKeepsInsertions() {
    ErrorCounts c = new ErrorCounts(0, 0, 0, 0, 3);
    assertThat(c.cer()).isEqualTo(0.0);
    assertThat(c.ins()).isEqualTo(3);
    assertThat(c.errors()).isEqualTo(3);
  }

  @Test
  void twoDecimalsRoundLikePythonPercentFormat() {
    // python3 -c "print('%.2f %.2f %.2f %.2f' % (0.125, 0.375, 200/3, 100/3))" -> 0.12 0.38 66.67 33.33
    assertThat(new ErrorCounts(800, 799, 1, 0, 0).cerText()).isEqualTo("0.12");
    assertThat(new ErrorCounts(800, 797, 3, 0, 0).cerText()).isEqualTo("0.38");
    assertThat(new ErrorCounts(3, 1, 2, 0, 0).cerText()).isEqualTo("66.67");
    assertThat(new ErrorCounts(3, 2, 1, 0, 0).cerText()).isEqualTo("33.33");
    assertThat(new ErrorCounts(1, 0, 1, 0, 1).cerText()).isEqualTo("200.00");
  }

  @Test
  void overallLineHasTheExactFormat() {
    assertThat(CerReport.overallLine(new ErrorCounts(8, 7, 1, 0, 0))).isEqualTo("CER 12.50 % N=8 C=7 S=1 D=0 I=0");
    assertThat(CerReport.overallLine(ErrorCounts.ZERO)).isEqualTo("CER 0.00 % N=0 C=0 S=0 D=0 I=0");
  }

  @Test
  void rejectsInconsistentCounts() {
    assertThatThrownBy(() -> new ErrorCounts(5, 4, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N=5 C=4");
    assertThatThrownBy(() -> new ErrorCounts(0, 0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ErrorCounts.allDeleted(4)).isEqualTo(new ErrorCounts(4, 0, 0, 4, 0));
  }
}
