package org.asr3m.train;

import java.nio.file.Path;

/** Training ended early because its listener asked it to stop; {@link #checkpoint()} resumes it. */
public final class TrainingStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long step;
  private final transient Path checkpoint;

  public TrainingStoppedException(long step, Path checkpoint) {
    super("training stopped on request after step " + step + "; resume from " + checkpoint);
    this.step = step;
    this.checkpoint = checkpoint;
  }

  public long step() {
    return step;
  }

  public Path checkpoint() {
    return checkpoint;
  }
}
