package io.plasmite.json;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 timestamps in UTC as the plasmite tools print them: {@code 2026-02-01T12:00:00Z}, {@code
 * 2026-02-01T12:00:00.1Z}, {@code 2026-02-01T12:00:00.1234567Z} — the fraction of a second with the
 * fewest digits that keep it exact, none when it is zero.
 */
public final class Rfc3339 {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Rfc3339() {}

  /**
   * Formats nanoseconds since the Unix epoch.
   *
   * @param epochNs nanoseconds since 1970-01-01T00:00:00Z
   * @return the timestamp text
   */
  public static String format(long epochNs) {
    long seconds = Math.floorDiv(epochNs, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(epochNs, NANOS_PER_SECOND);
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(30);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      sb.append(year < 0 ? '-' : '+');
      pad(sb, Math.abs(year), 4);
    } else {
      pad(sb, year, 4);
    }
    sb.append('-');
    pad(sb, t.getMonthValue(), 2);
    sb.append('-');
    pad(sb, t.getDayOfMonth(), 2);
    sb.append('T');
    pad(sb, t.getHour(), 2);
    sb.append(':');
    pad(sb, t.getMinute(), 2);
    sb.append(':');
    pad(sb, t.getSecond(), 2);
    if (nanos != 0) {
      int digits = 9;
      int fraction = nanos;
      while (fraction % 10 == 0) {
        fraction /= 10;
        digits--;
      }
      sb.append('.');
      pad(sb, fraction, digits);
    }
    return sb.append('Z').toString();
  }

  private static void pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    sb.repeat('0', Math.max(0, width - s.length()));
    sb.append(s);
  }
}
