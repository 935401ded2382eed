package org.asr3m.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a transcript into the paper's modelling units: each CJK character is a unit, ASCII
 * letters are upper-cased single-letter units (the "26 English letters"), digits are single
 * units; white space, punctuation and {@code <tag>} markers such as {@code <noise>} are dropped.
 */
public final class CharTokenizer {
  private static final String PUNCTUATION =
      "，。！？、；：“”‘’（）《》【】…—·,.!?;:\"'()[]{}-~`　";

  private CharTokenizer() {}

  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    // NFKC folds full-width forms (ＧＰＳ, １２) into ASCII so they map to the same units
    String s = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      if (cp == '<') {
        int close = s.indexOf('>', i);
        if (close > i) { // <noise>, <unk>, … are annotations, not speech
          i = close + 1;
          continue;
        }
      }
      if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp) && PUNCTUATION.indexOf(cp) < 0) {
        out.add(new String(Character.toChars(cp)));
      }
      i += len;
    }
    return out;
  }

  /** Token ids of {@code text}; units missing from {@code units} become &lt;unk&gt; and are counted. */
  public static int[] encode(String text, Units units, UnkCounter unknown) {
    List<String> tokens = tokenize(text);
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      Integer id = units.idOrNull(tokens.get(i));
      if (id == null) {
        unknown.add(tokens.get(i));
        ids[i] = units.unkId();
      } else {
        ids[i] = id;
      }
    }
    return ids;
  }

  /** Text of token ids (units joined without separators; special units skipped). */
  public static String decode(int[] ids, Units units) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      if (id != units.blankId() && id != units.sosEosId()) {
        sb.append(units.token(id));
      }
    }
    return sb.toString();
  }
}
