package org.asr3m.features;

import java.util.Random;

/**
 * SpecAugment masking as in the 3M paper (2 frequency masks with F = 30, 2 time masks with
 * T = 50) and WeNet's {@code spec_aug}: each mask picks a start uniformly, a width uniformly in
 * [1, max], and zeroes that band. Applied before CMVN, as the reference recipe does.
 *
 * @param numFreqMasks number of frequency masks
 * @param maxFreqWidth F, the widest frequency mask in bins
 * @param numTimeMasks number of time masks
 * @param maxTimeWidth T, the widest time mask in frames
 */
public record SpecAugment(int numFreqMasks, int maxFreqWidth, int numTimeMasks, int maxTimeWidth) {

  public static final SpecAugment PAPER = new SpecAugment(2, 30, 2, 50);

  public SpecAugment {
    if (numFreqMasks < 0 || numTimeMasks < 0 || maxFreqWidth < 1 || maxTimeWidth < 1) {
      throw new IllegalArgumentException("SpecAugment needs non-negative mask counts and widths >= 1");
    }
  }

  /** Masks {@code feats} (frames × bins) in place using {@code random}. */
  public void apply(float[][] feats, Random random) {
    int frames = feats.length;
    if (frames == 0) {
      return;
    }
    int bins = feats[0].length;
    for (int m = 0; m < numFreqMasks; m++) {
      int start = random.nextInt(bins);
      int end = Math.min(bins, start + 1 + random.nextInt(maxFreqWidth));
      for (float[] row : feats) {
        java.util.Arrays.fill(row, start, end, 0f);
      }
    }
    for (int m = 0; m < numTimeMasks; m++) {
      int start = random.nextInt(frames);
      int end = Math.min(frames, start + 1 + random.nextInt(maxTimeWidth));
      for (int t = start; t < end; t++) {
        java.util.Arrays.fill(feats[t], 0f);
      }
    }
  }
}
