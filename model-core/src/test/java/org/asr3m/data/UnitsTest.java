package org.asr3m.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.io.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitsTest {
  @TempDir
  Path tmp;

  @Test
  void tokenizerKeepsCharactersAndLettersDropsPunctuationAndTags() {
    assertThat(CharTokenizer.tokenize("我们去GPS导航，ok！<noise> 12"))
        .containsExactly("我", "们", "去", "G", "P", "S", "导", "航", "O", "K", "1", "2");
  }

  @Test
  void buildsWenetLayoutAndRoundTrips() throws Exception {
    Units u = Units.build(List.of("你好", "好A"));
    Path f = tmp.resolve("units.txt");
    u.write(f);
    assertThat(Files.readString(f)).isEqualTo("<blank> 0\n<unk> 1\nA 2\n你 3\n好 4\n<sos/eos> 5\n");
    Units back = Units.read(f);
    assertThat(back.size()).isEqualTo(6);
    assertThat(back.sosEosId()).isEqualTo(5);
    assertThat(back.unkId()).isEqualTo(1);
    assertThat(back.idOrNull("好")).isEqualTo(4);
  }

  @Test
  void unknownCharactersMapToUnkAndAreCounted() {
    Units u = Units.build(List.of("你好"));
    UnkCounter unk = new UnkCounter();
    assertThat(CharTokenizer.encode("你龘好龘靐", u, unk)).containsExactly(2, 1, 3, 1, 1);
    assertThat(unk.total()).isEqualTo(3);
    assertThat(unk.summary()).isEqualTo("3 token(s) mapped to <unk>: 龘×2, 靐×1");
    assertThat(CharTokenizer.decode(new int[] {2, 3}, u)).isEqualTo("你好");
  }

  @Test
  void malformedUnitsFilesNameFileAndLine() throws Exception {
    Path gap = Files.writeString(tmp.resolve("gap.txt"), "<blank> 0\n<unk> 1\n你 3\n<sos/eos> 4\n");
    assertThatThrownBy(() -> Units.read(gap)).isInstanceOf(InputException.class)
        .hasMessageContaining("gap.txt:3").hasMessageContaining("expected 2, got 3");
    Path dup = Files.writeString(tmp.resolve("dup.txt"), "<blank> 0\n<unk> 1\n你 2\n你 3\n<sos/eos> 4\n");
    assertThatThrownBy(() -> Units.read(dup)).hasMessageContaining("dup.txt:4").hasMessageContaining("listed twice");
    Path noEos = Files.writeString(tmp.resolve("noeos.txt"), "<blank> 0\n<unk> 1\n你 2\n");
    assertThatThrownBy(() -> Units.read(noEos)).hasMessageContaining("<sos/eos>");
    Path bad = Files.writeString(tmp.resolve("bad.txt"), "<blank> zero\n");
    assertThatThrownBy(() -> Units.read(bad)).hasMessageContaining("bad.txt:1").hasMessageContaining("not an integer");
  }
}
