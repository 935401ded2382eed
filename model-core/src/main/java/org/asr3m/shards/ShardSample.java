package org.asr3m.shards;

/**
 * One utterance of a shard: the tar members {@code <key>.<ext>} (audio) and {@code <key>.txt}.
 *
 * @param shard the shard it came from
 * @param key utterance id
 * @param audioMember name of the audio member (for error messages)
 * @param audio the audio file's bytes (WAV or FLAC)
 * @param text transcript
 */
public record ShardSample(String shard, String key, String audioMember, byte[] audio, String text) {}
