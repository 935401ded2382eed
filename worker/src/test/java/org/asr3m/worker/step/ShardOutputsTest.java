package org.asr3m.worker.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asr3m.worker.artifact.LocalArtifactStore;
import org.asr3m.worker.progress.StageLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The merge's view of the partitions' shards: list in partition order, problems reported, nothing missing. */
class ShardOutputsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private static ShardOutputs.Partition partition(String key, String json) {
    return new ShardOutputs.Partition(key, JSON.readTree(json));
  }

  @Test
  void listsTheShardsInPartitionOrderAndReportsWhatCouldNotBeSharded() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    for (String k : List.of("p/shards/part-0000/shards_000000.tar", "p/shards/part-0000/shards_000001.tar",
        "p/shards/part-0001/shards_000000.tar")) {
      store.put(k, k.getBytes(StandardCharsets.UTF_8));
    }
    List<ShardOutputs.Partition> parts = List.of(
        partition("p/partitions/part-0000", """
            {"shards": ["p/shards/part-0000/shards_000000.tar", "p/shards/part-0000/shards_000001.tar"],
             "shard_utterances": 7, "shard_problems": []}"""),
        partition("p/partitions/part-0001", """
            {"shards": ["p/shards/part-0001/shards_000000.tar"], "shard_utterances": 3,
             "shard_problems": ["/data/a.wav: unsupported audio format (expected RIFF/WAVE or FLAC); utterance a skipped"]}"""));
    Path list = tmp.resolve("out/shards.list");
    ShardOutputs out = ShardOutputs.collect(store, parts, list);
    assertThat(Files.readAllLines(list)).containsExactly("store://p/shards/part-0000/shards_000000.tar",
        "store://p/shards/part-0000/shards_000001.tar", "store://p/shards/part-0001/shards_000000.tar");
    assertThat(out.shards()).extracting(a -> a.size()).containsOnly(36L);
    assertThat(out.utterances()).isEqualTo(10);
    assertThat(out.summary()).isEqualTo("10 utterances in 3 shard(s); 1 problem(s) while sharding, see the stage log");
    Path logFile = tmp.resolve("featurePrep.log");
    try (StageLog log = new StageLog(logFile)) {
      out.report(log);
    }
    assertThat(Files.readString(logFile)).contains("10 utterances in 3 shard(s) -> shards.list")
        .contains("1 problem(s) while writing shards")
        .contains("warning: /data/a.wav: unsupported audio format");
  }

  @Test
  void aShardThatIsNotStoredOrAPartitionWithoutShardsIsAnError() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
    Path list = tmp.resolve("shards.list");
    assertThatThrownBy(() -> ShardOutputs.collect(store, List.of(partition("p/partitions/part-0000",
        "{\"shards\": [\"p/shards/part-0000/shards_000000.tar\"], \"shard_utterances\": 5}")), list))
        .hasMessageContaining("shard p/shards/part-0000/shards_000000.tar named by p/partitions/part-0000/summary.json"
            + " is not in");
    assertThatThrownBy(() -> ShardOutputs.collect(store, List.of(partition("p/partitions/part-0000",
        "{\"items\": 5}")), list)).hasMessageContaining("names no shards");
    assertThatThrownBy(() -> ShardOutputs.collect(store, List.of(partition("p/partitions/part-0000",
        "{\"shards\": [], \"shard_utterances\": 0, \"shard_problems\": [\"/a.wav: audio file not found\"]}")), list))
        .hasMessageContaining("no utterance could be written into a shard (1 problem(s), first: /a.wav");
    assertThat(list).doesNotExist();
  }
}
