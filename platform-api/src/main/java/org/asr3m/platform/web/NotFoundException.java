package org.asr3m.platform.web;

/** A resource that does not exist: 404 with a problem body naming it. */
public class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String what, Object id) {
    super(what + " " + id + " does not exist");
  }
}
