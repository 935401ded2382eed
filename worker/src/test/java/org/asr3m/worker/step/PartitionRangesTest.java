package org.asr3m.worker.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.data.Utterance;
import org.junit.jupiter.api.Test;

class PartitionRangesTest {

  private static Utterance file(String id) {
    return new Utterance(id, Path.of("/audio/" + id + ".wav"), 0, -1, "t", null);
  }

  private static Utterance segment(String id, String recording, double start) {
    return new Utterance(id, Path.of("/audio/" + recording + ".wav"), start, start + 1, "t", null);
  }

  @Test
  void wholeFilesAreCutIntoEqualContiguousRanges() {
    List<Utterance> u = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      u.add(file(String.format("u%02d", i)));
    }
    assertThat(PartitionRanges.cut(u, 3)).containsExactly(0, 13, 26, 40);
    assertThat(PartitionRanges.cut(u.subList(0, 2), 3)).containsExactly(0, 1, 2);
    assertThat(PartitionRanges.cut(List.of(), 3)).containsExactly(0, 0);
  }

  @Test
  void aRecordingsSegmentsStayInOnePartitionAndCutsThatMeetMerge() {
    List<Utterance> u = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      u.add(segment("a-" + i, "a", i)); // 0..4
    }
    for (int i = 0; i < 3; i++) {
      u.add(segment("b-" + i, "b", i)); // 5..7
    }
    u.add(file("c")); // 8
    u.add(file("d")); // 9
    // equal cuts would be 0, 3, 6, 10 (inside a, inside b): moved to their recordings' ends
    assertThat(PartitionRanges.cut(u, 3)).containsExactly(0, 5, 8, 10);
    // 5 cuts of 2: 2 and 4 fall in a (→ 5), 6 in b (→ 8), 8 stays
    assertThat(PartitionRanges.cut(u, 5)).containsExactly(0, 5, 8, 10);
    // one recording only: one partition
    assertThat(PartitionRanges.cut(u.subList(0, 5), 4)).containsExactly(0, 5);
  }
}
