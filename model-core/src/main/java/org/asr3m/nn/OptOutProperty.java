package org.asr3m.nn;

/**
 * A {@code -D} switch that keeps a library's own process-wide setting instead of ours: unset, or set
 * to its one value; anything else is a mistake the user hears about rather than a silent default.
 */
public final class OptOutProperty {
  private OptOutProperty() {}

  /**
   * @param value the one accepted value
   * @param keeps what setting it does, e.g. "keep glibc's heap settings"
   * @param otherwise what leaving it out does, e.g. "have them tuned"
   * @return whether the switch is set
   * @throws IllegalArgumentException if it is set to anything but {@code value}
   */
  public static boolean isSet(String property, String value, String keeps, String otherwise) {
    String v = System.getProperty(property);
    if (v != null && !value.equals(v)) {
      throw new IllegalArgumentException("-D" + property + ": the only value is '" + value + "' (" + keeps
          + "); leave it out to " + otherwise + ", got '" + v + "'");
    }
    return v != null;
  }
}
