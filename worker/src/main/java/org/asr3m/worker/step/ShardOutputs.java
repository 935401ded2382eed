package org.asr3m.worker.step;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asr3m.worker.artifact.ArtifactStore;
import org.asr3m.worker.artifact.StoreShardSource;
import org.asr3m.worker.artifact.StoredArtifact;
import org.asr3m.worker.progress.StageLog;
import tools.jackson.databind.JsonNode;

/**
 * The shards featurePrep's partitions published, gathered by the merge: every shard (as stored, for
 * the seal) in partition order, the shard list the training stages stream from ({@code store://<key>}
 * per line), and what sharding could not use.
 *
 * @param shards the stored shards, in list order
 * @param utterances utterances written into them
 * @param problems unreadable or unsupported audio met while sharding, each naming its file
 */
record ShardOutputs(List<StoredArtifact> shards, long utterances, List<String> problems) {
  /** The shard list's name under featurePrep's prefix. */
  static final String LIST = "shards.list";

  /** A partition's summary.json ({@code shards}, {@code shard_utterances}, {@code shard_problems}) and its key prefix. */
  record Partition(String key, JsonNode summary) {}

  /** Checks that every shard a partition named is stored and writes the list to {@code list}. */
  static ShardOutputs collect(ArtifactStore store, List<Partition> partitions, Path list) throws IOException {
    List<StoredArtifact> shards = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    long utterances = 0;
    for (Partition p : partitions) {
      JsonNode s = p.summary();
      if (!s.has("shards")) {
        throw new IllegalStateException(p.key() + "/summary.json names no shards (written by a worker that did not"
            + " make shards): run featurePrep again");
      }
      for (JsonNode k : s.path("shards")) {
        String key = k.asString();
        shards.add(store.stat(key).orElseThrow(() -> new IllegalStateException("shard " + key + " named by " + p.key()
            + "/summary.json is not in " + store.describe())));
      }
      utterances += s.path("shard_utterances").asLong();
      for (JsonNode m : s.path("shard_problems")) {
        problems.add(m.asString());
      }
    }
    if (shards.isEmpty() || utterances == 0) {
      throw new IllegalStateException("no utterance could be written into a shard (" + problems.size() + " problem(s)"
          + (problems.isEmpty() ? "" : ", first: " + problems.get(0)) + ")");
    }
    StringBuilder sb = new StringBuilder();
    for (StoredArtifact a : shards) {
      sb.append(StoreShardSource.line(a.key())).append('\n');
    }
    Files.createDirectories(list.getParent());
    Files.writeString(list, sb, StandardCharsets.UTF_8);
    return new ShardOutputs(List.copyOf(shards), utterances, List.copyOf(problems));
  }

  /** Into the stage log, as the CMVN's problems are: one warning per problem. */
  void report(StageLog log) {
    log.line("%d utterances in %d shard(s) -> %s", utterances, shards.size(), LIST);
    if (!problems.isEmpty()) {
      log.line("%d problem(s) while writing shards (the utterances are not in the shards):", problems.size());
      problems.forEach(p -> log.writer().println("warning: " + p));
      log.writer().flush();
    }
  }

  /** The stage row's message. */
  String summary() {
    return utterances + " utterances in " + shards.size() + " shard(s)"
        + (problems.isEmpty() ? "" : "; " + problems.size() + " problem(s) while sharding, see the stage log");
  }
}
