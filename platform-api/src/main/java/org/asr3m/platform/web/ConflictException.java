package org.asr3m.platform.web;

/** The request contradicts the resource's state (launching a running run, a duplicate name): 409. */
public class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
