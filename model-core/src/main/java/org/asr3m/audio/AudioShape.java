package org.asr3m.audio;

/** What an audio file's header says: channels, sample rate and samples per channel. */
record AudioShape(int channels, int sampleRate, long samples) {}
