package org.asr3m.audio;

/** All channels of a decoded file, before channel selection and resampling. */
record DecodedAudio(float[][] channels, int sampleRate) {}
