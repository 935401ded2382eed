package org.asr3m.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scoring result of one reference utterance.
 *
 * @param id utterance id
 * @param alignment alignment of its reference against its hypothesis
 * @param missing true when the hypothesis file has no line for this id (every reference token counts as deleted)
 */
public record UtteranceResult(String id, Alignment alignment, boolean missing) {
  public UtteranceResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alignment, "alignment");
  }

  public ErrorCounts counts() {
    return alignment.counts();
  }

  /**
   * Per-utterance detail in the style of WeNet's {@code compute-wer.py --v=1}: {@code utt: ID},
   * {@code CER: 12.50 % N=8 C=7 S=1 D=0 I=0}, then a {@code lab:} and a {@code rec:} line whose tokens are padded
   * with spaces to a common display width (CJK characters count two columns) so that aligned pairs line up; an
   * empty side of a pair (insertion/deletion) is blank. Trailing spaces are trimmed.
   */
  public List<String> detailLines() {
    StringBuilder lab = new StringBuilder("lab:");
    StringBuilder rec = new StringBuilder("rec:");
    for (Alignment.Pair pair : alignment.pairs()) {
      String r = pair.ref() == null ? "" : pair.ref();
      String h = pair.hyp() == null ? "" : pair.hyp();
      int width = Math.max(displayWidth(r), displayWidth(h));
      lab.append(' ').append(r).append(" ".repeat(width - displayWidth(r)));
      rec.append(' ').append(h).append(" ".repeat(width - displayWidth(h)));
    }
    List<String> lines = new ArrayList<>(4);
    lines.add("utt: " + id + (missing ? " (missing from HYP)" : ""));
    lines.add("CER: " + counts().rateAndSummary());
    lines.add(lab.toString().stripTrailing());
    lines.add(rec.toString().stripTrailing());
    return lines;
  }

  /** Terminal columns of a token: 2 for East Asian wide/full-width characters, 1 otherwise. */
  static int displayWidth(String token) {
    return token.codePoints().map(cp -> isWide(cp) ? 2 : 1).sum();
  }

  private static boolean isWide(int cp) {
    return (cp >= 0x1100 && cp <= 0x115F) // Hangul Jamo initials
        || (cp >= 0x2E80 && cp <= 0x303E) // CJK radicals, Kangxi, ideographic description, CJK symbols/punct.
        || (cp >= 0x3041 && cp <= 0x33FF) // kana, Bopomofo, Hangul compat. Jamo, Kanbun, CJK compatibility
        || (cp >= 0x3400 && cp <= 0x4DBF) // CJK extension A
        || (cp >= 0x4E00 && cp <= 0x9FFF) // CJK unified ideographs
        || (cp >= 0xA000 && cp <= 0xA4CF) // Yi
        || (cp >= 0xAC00 && cp <= 0xD7A3) // Hangul syllables
        || (cp >= 0xF900 && cp <= 0xFAFF) // CJK compatibility ideographs
        || (cp >= 0xFE30 && cp <= 0xFE4F) // CJK compatibility forms
        || (cp >= 0xFF00 && cp <= 0xFF60) // full-width forms
        || (cp >= 0xFFE0 && cp <= 0xFFE6) // full-width signs
        || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B and later
  }
}
