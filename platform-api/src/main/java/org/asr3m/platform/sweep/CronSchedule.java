package org.asr3m.platform.sweep;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/**
 * A sweep's cron schedule: Spring's six fields (second minute hour day month weekday), the classic
 * five (a leading "0" seconds field is added) or a macro such as {@code @daily}, in a time zone.
 */
record CronSchedule(CronExpression cron, ZoneId zone) {

  /** Parses the expression; {@link IllegalArgumentException} with the reason when it is not valid. */
  static CronSchedule parse(String expression, String zone) {
    String e = expression.strip();
    if (!e.startsWith("@") && e.split("\\s+").length == 5) {
      e = "0 " + e;
    }
    ZoneId z = ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone);
    return new CronSchedule(CronExpression.parse(e), z);
  }

  /** The first firing time strictly after {@code t}, or null when the expression never fires again. */
  Instant next(Instant t) {
    ZonedDateTime n = cron.next(t.atZone(zone));
    return n == null ? null : n.toInstant();
  }

  /**
   * The latest firing time in ({@code after}, {@code now}], starting from a known due time
   * {@code due}; missed earlier times are skipped (a sweep that was down fires once, not once per
   * missed time).
   */
  Instant latestDue(Instant due, Instant now) {
    Instant t = due;
    for (int i = 0; i < 100_000; i++) {
      Instant n = next(t);
      if (n == null || n.isAfter(now)) {
        return t;
      }
      t = n;
    }
    return t;
  }
}
