package org.asr3m.platform.checkpoint;

import java.util.List;

/**
 * One checkpoint of a run's train stage ({@code GET /api/runs/{id}/checkpoints}).
 *
 * @param name epoch_N, step_N or final
 * @param kind epoch, step or final
 * @param complete its trainer.json is stored (a checkpoint is written trainer.json last)
 * @param epoch 0-based epoch it belongs to, as WeNet names them (epoch_0 is written after the first
 *     epoch; step_N: the epoch in progress; final: the last epoch)
 * @param step optimiser updates so far
 * @param devLoss dev loss of this checkpoint's epoch (epoch_N only; null for step_N and final)
 * @param dev every finished epoch's dev losses as trainer.json records them
 * @param size bytes of all its files
 * @param sha256 SHA-256 of model.npz
 * @param averagedFrom for final: the epoch checkpoints averaged into it (empty: not averaged)
 * @param averagedIntoFinal for epoch_N: whether final averages it
 * @param files its files with size, SHA-256 and download URL
 * @param bundle URL of the tar.gz that {@code asr3m decode --checkpoint} takes once unpacked
 */
public record CheckpointView(String name, String kind, boolean complete, Integer epoch, Long step, Double devLoss,
    List<DevLoss> dev, long size, String sha256, List<String> averagedFrom, boolean averagedIntoFinal, List<FileView> files,
    String bundle) {

  public record DevLoss(int epoch, double loss, double ctc, double att) {}

  public record FileView(String name, long size, String sha256, String url) {}
}
