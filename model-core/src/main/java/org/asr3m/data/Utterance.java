package org.asr3m.data;

import java.nio.file.Path;

/**
 * One utterance of a Kaldi data directory.
 *
 * @param id utterance id
 * @param audio audio file (absolute, or relative to the working directory)
 * @param startSec segment start in seconds (0 without a segments file)
 * @param endSec segment end in seconds, or -1 for the end of the file
 * @param text transcript, or null when the directory has no text file
 * @param speaker speaker id from utt2spk, or null
 */
public record Utterance(String id, Path audio, double startSec, double endSec, String text, String speaker) {}
