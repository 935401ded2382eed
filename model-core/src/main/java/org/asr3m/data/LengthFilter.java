package org.asr3m.data;

import java.util.ArrayList;
import java.util.List;

/**
 * WeNet's length filters (frames and tokens), reporting what they removed: an utterance that is
 * filtered out is counted and named, never silently lost.
 *
 * @param minFrames min_length
 * @param maxFrames max_length
 * @param minTokens token_min_length
 * @param maxTokens token_max_length
 */
public record LengthFilter(int minFrames, int maxFrames, int minTokens, int maxTokens) {

  /** What the filter kept and why it dropped the rest. */
  public record Report(List<Integer> kept, List<String> removed) {
    public String summary() {
      if (removed.isEmpty()) {
        return "length filter kept all " + kept.size() + " utterances";
      }
      return "length filter removed " + removed.size() + " of " + (kept.size() + removed.size()) + " utterances: "
          + String.join("; ", removed.subList(0, Math.min(10, removed.size()))) + (removed.size() > 10 ? "; …" : "");
    }
  }

  public Report apply(List<String> ids, int[] frames, int[] tokens) {
    List<Integer> kept = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (frames[i] < minFrames || frames[i] > maxFrames) {
        removed.add(ids.get(i) + " (" + frames[i] + " frames, allowed " + minFrames + "–" + maxFrames + ")");
      } else if (tokens[i] < minTokens || tokens[i] > maxTokens) {
        removed.add(ids.get(i) + " (" + tokens[i] + " tokens, allowed " + minTokens + "–" + maxTokens + ")");
      } else {
        kept.add(i);
      }
    }
    return new Report(kept, removed);
  }
}
