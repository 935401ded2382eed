package org.asr3m.train;

import java.nio.file.Path;

/**
 * One training or evaluation utterance.
 *
 * @param id utterance id
 * @param audio audio file
 * @param startSec segment start (0 for whole files)
 * @param endSec segment end, negative for the end of the file
 * @param tokens target unit ids
 */
public record Example(String id, Path audio, double startSec, double endSec, int[] tokens) {}
