package org.asr3m.platform.run;

import org.asr3m.platform.web.ConflictException;

/** An experiment already has a QUEUED or RUNNING run: 409 naming that run. */
public class ActiveRunConflictException extends ConflictException {
  private static final long serialVersionUID = 1L;
  private final long experimentId;
  private final Long activeRunId;
  private final String activeStatus;

  public ActiveRunConflictException(long experimentId, Long activeRunId, String activeStatus) {
    super("experiment " + experimentId + " already has an active run"
        + (activeRunId == null ? " (it just changed; try again)" : ": run " + activeRunId + " is " + activeStatus)
        + "; cancel it or wait for it to finish");
    this.experimentId = experimentId;
    this.activeRunId = activeRunId;
    this.activeStatus = activeStatus;
  }

  public long experimentId() {
    return experimentId;
  }

  public Long activeRunId() {
    return activeRunId;
  }

  public String activeStatus() {
    return activeStatus;
  }
}
