package org.asr3m.platform.dataset;

import java.util.List;
import java.util.SortedMap;
import org.asr3m.platform.web.ValidationException.FieldError;

/**
 * What registration learns about a Kaldi data directory.
 *
 * @param problems every problem found (file as the field, with its line); empty = valid
 * @param speakersFrom {@code utt2spk}, or {@code id-prefix} (the utterance id up to its last - or _)
 * @param characterCounts occurrences of each character of the transcripts (whitespace excluded)
 */
record DatasetInspection(List<FieldError> problems, String fingerprint, int utterances, int speakers,
    String speakersFrom, double hours, long audioBytes, SortedMap<String, Long> characterCounts) {}
