package org.asr3m.score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Character error rate scoring following WeNet's {@code tools/compute-wer.py --char=1 --v=1} (the script WeNet's
 * recipes call for Mandarin CER).
 *
 * <h2>Normalisation and tokenisation ({@link #normalize})</h2>
 * <ol>
 *   <li>{@code <...>} tags such as {@code <noise>} or {@code <unk>} are removed.</li>
 *   <li>Text is upper-cased (case-insensitive scoring).</li>
 *   <li>Whitespace (including the full-width space U+3000 and no-break space), control, format (e.g. BOM,
 *       zero-width space) and unassigned characters are dropped, and so is the punctuation in {@link #PUNCTUATION}.
 *       A dropped character separates tokens.</li>
 *   <li>A run of ASCII letters and digits is one token ({@code GPS}, {@code HELLO}, {@code 2024}); an apostrophe
 *       ({@code '} or {@code ’}) between two such characters stays inside the token as {@code '}
 *       ({@code DON'T}); elsewhere it is punctuation. Every other character (each CJK character, each non-ASCII
 *       letter) is a token of its own.</li>
 * </ol>
 *
 * <h2>Alignment ({@link #align})</h2>
 * Unit-cost Levenshtein (substitution, deletion and insertion all cost 1, a match 0). Among the minimum-cost
 * alignments one is chosen by backtracing from the ends of both sequences and, at every step where several
 * predecessors are optimal, preferring the diagonal step (correct or substitution) over a deletion over an
 * insertion. So {@code AB} vs {@code BA} scores S=2 rather than D=1 I=1.
 *
 * <h2>Files ({@link #score})</h2>
 * Utterances of REF missing from HYP count as all deletions and are listed in {@link CerReport#missing()};
 * utterances of HYP not in REF are ignored and listed in {@link CerReport#extra()}. N counts reference tokens
 * of all REF utterances, and CER = (S+D+I) / N * 100.
 */
public final class CerScorer {
  /**
   * Punctuation removed before tokenising: ASCII {@code ! " ' ( ) , - . : ; < > ? [ ] { } ~ `}, their full-width
   * forms, and CJK punctuation {@code ，。！？、；：“”‘’（）《》〈〉【】〔〕〖〗「」『』︰…‥—–―·・～}.
   */
  public static final String PUNCTUATION = "!\"'(),-.:;<>?[]{}~`"
      + "！＂＇（），－．：；＜＞？［］｛｝～｀"
      + "。、“”‘’《》〈〉【】〔〕〖〗「」『』︰…‥—–―·・｡､";

  private static final Pattern TAG = Pattern.compile("<[^<>\\s]+>");

  private CerScorer() {}

  /** Normalises {@code text} and splits it into scoring tokens (see the class comment). */
  public static List<String> normalize(String text) {
    String s = TAG.matcher(text).replaceAll(" ").toUpperCase(Locale.ROOT);
    List<String> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (isWordChar(cp)) {
        word.appendCodePoint(cp);
      } else if (isApostrophe(cp) && word.length() > 0 && next < s.length() && isWordChar(s.codePointAt(next))) {
        word.append('\'');
      } else {
        flush(word, tokens);
        if (!isDropped(cp)) {
          tokens.add(new String(Character.toChars(cp)));
        }
      }
      i = next;
    }
    flush(word, tokens);
    return Collections.unmodifiableList(tokens);
  }

  /** Aligns a reference and a hypothesis token sequence (see the class comment for the tie-break). */
  public static Alignment align(List<String> ref, List<String> hyp) {
    int n = ref.size();
    int m = hyp.size();
    int cols = m + 1;
    if ((long) (n + 1) * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("utterance too long to align: " + n + " x " + m + " tokens");
    }
    // Preferred optimal predecessor of each cell. Choosing it forward is the same as choosing at backtrace time,
    // since the choice at (i, j) depends only on the costs of its three predecessors.
    byte[] back = new byte[(n + 1) * cols];
    int[] prev = new int[cols];
    int[] cur = new int[cols];
    for (int j = 1; j <= m; j++) {
      prev[j] = j;
      back[j] = INS;
    }
    for (int i = 1; i <= n; i++) {
      cur[0] = i;
      back[i * cols] = DEL;
      String r = ref.get(i - 1);
      for (int j = 1; j <= m; j++) {
        int diag = prev[j - 1] + (r.equals(hyp.get(j - 1)) ? 0 : 1);
        int del = prev[j] + 1;
        int ins = cur[j - 1] + 1;
        int best = diag;
        byte op = DIAG;
        if (del < best) {
          best = del;
          op = DEL;
        }
        if (ins < best) {
          best = ins;
          op = INS;
        }
        cur[j] = best;
        back[i * cols + j] = op;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }

    List<Alignment.Pair> pairs = new ArrayList<>(Math.max(n, m));
    long correct = 0;
    long sub = 0;
    long del = 0;
    long ins = 0;
    int i = n;
    int j = m;
    while (i > 0 || j > 0) {
      byte op = back[i * cols + j];
      if (op == DIAG) {
        String r = ref.get(i - 1);
        String h = hyp.get(j - 1);
        if (r.equals(h)) {
          correct++;
          pairs.add(new Alignment.Pair(r, h, Alignment.Op.CORRECT));
        } else {
          sub++;
          pairs.add(new Alignment.Pair(r, h, Alignment.Op.SUBSTITUTION));
        }
        i--;
        j--;
      } else if (op == DEL) {
        del++;
        pairs.add(new Alignment.Pair(ref.get(i - 1), null, Alignment.Op.DELETION));
        i--;
      } else {
        ins++;
        pairs.add(new Alignment.Pair(null, hyp.get(j - 1), Alignment.Op.INSERTION));
        j--;
      }
    }
    Collections.reverse(pairs);
    return new Alignment(new ErrorCounts(n, correct, sub, del, ins), pairs);
  }

  /**
   * Scores a hypothesis file against a reference file, both Kaldi-style {@code <uttid> <text...>} lines in UTF-8.
   *
   * @throws org.asr3m.io.InputException naming file and line when a file is missing or unreadable, a line
   *     starts with whitespace (no id), or an id occurs twice in one file
   */
  public static CerReport score(Path refFile, Path hypFile) {
    Map<String, Transcripts.Entry> refs = Transcripts.read(refFile);
    Map<String, Transcripts.Entry> hyps = Transcripts.read(hypFile);
    List<UtteranceResult> results = new ArrayList<>(refs.size());
    List<String> missing = new ArrayList<>();
    ErrorCounts total = ErrorCounts.ZERO;
    for (Map.Entry<String, Transcripts.Entry> e : refs.entrySet()) {
      String id = e.getKey();
      List<String> refTokens = normalize(e.getValue().text());
      Transcripts.Entry hyp = hyps.get(id);
      UtteranceResult result;
      if (hyp == null) {
        missing.add(id);
        result = new UtteranceResult(id, align(refTokens, List.of()), true);
      } else {
        result = new UtteranceResult(id, align(refTokens, normalize(hyp.text())), false);
      }
      results.add(result);
      total = total.plus(result.counts());
    }
    List<String> extra = hyps.keySet().stream().filter(id -> !refs.containsKey(id)).toList();
    return new CerReport(results, missing, extra, total);
  }

  private static final byte DIAG = 0;
  private static final byte DEL = 1;
  private static final byte INS = 2;

  private static void flush(StringBuilder word, List<String> tokens) {
    if (word.length() > 0) {
      tokens.add(word.toString());
      word.setLength(0);
    }
  }

  private static boolean isWordChar(int cp) {
    return (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'); // text is upper-cased first
  }

  private static boolean isApostrophe(int cp) {
    return cp == '\'' || cp == '\u2019';
  }

  private static boolean isDropped(int cp) {
    if (Transcripts.isSpace(cp) || PUNCTUATION.indexOf(cp) >= 0) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
        || type == Character.SURROGATE;
  }
}
