package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsers for option values shared by several verbs: sizes, durations, times, durability. */
final class Args {
  private Args() {}

  /**
   * Parses {@code N[K|M|G]}: bytes, or binary kilo-, mega- or gigabytes (case-insensitive, an
   * optional trailing {@code B}).
   *
   * @param text the value
   * @return bytes
   * @throws PlasmiteException Usage when it is not a size
   */
  static long size(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT);
    if (s.length() > 1 && s.endsWith("B")) {
      s = s.substring(0, s.length() - 1);
    }
    int shift = 0;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        default -> {}
      }
    }
    String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalidSize(text);
    }
    try {
      long n = Long.parseLong(digits);
      if (n > (Long.MAX_VALUE >> shift)) {
        throw invalidSize(text);
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw invalidSize(text);
    }
  }

  private static PlasmiteException invalidSize(String text) {
    return PlasmiteException.of(ErrorKind.USAGE, "invalid size: " + text)
        .withHint("Use bytes or a number with K, M or G, e.g. 4M.");
  }

  /**
   * Parses a duration: a whole number and a unit, {@code ms}, {@code s}, {@code m} or {@code h}
   * ({@code 500ms}, {@code 5s}, {@code 1m}).
   *
   * @param text the value
   * @return the duration
   * @throws PlasmiteException Usage {@code invalid duration}
   */
  static Duration duration(String text) {
    String s = text.strip();
    int split = 0;
    while (split < s.length() && s.charAt(split) >= '0' && s.charAt(split) <= '9') {
      split++;
    }
    String digits = s.substring(0, split);
    String unit = s.substring(split);
    if (digits.isEmpty() || unit.isEmpty() || digits.length() > 15) {
      throw invalidDuration(text);
    }
    long n = Long.parseLong(digits);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> throw invalidDuration(text);
    };
  }

  private static PlasmiteException invalidDuration(String text) {
    return PlasmiteException.of(ErrorKind.USAGE, "invalid duration: " + text)
        .withHint("Use a number plus ms|s|m|h (e.g. 10s).");
  }

  /**
   * Parses a {@code --since} value: relative ({@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, case
   * insensitive; counted back from {@code nowNs}) or an RFC 3339 time (offsets honoured).
   *
   * @param text the value
   * @param nowNs the current time, Unix nanoseconds
   * @return the time, Unix nanoseconds, never below 0
   * @throws PlasmiteException Usage {@code invalid --since value}
   */
  static long since(String text, long nowNs) {
    String s = text.strip();
    if (s.length() >= 2) {
      String digits = s.substring(0, s.length() - 1);
      char unit = Character.toLowerCase(s.charAt(s.length() - 1));
      if (digits.chars().allMatch(c -> c >= '0' && c <= '9') && digits.length() <= 12) {
        long n = Long.parseLong(digits);
        long seconds =
            switch (unit) {
              case 's' -> n;
              case 'm' -> n * 60;
              case 'h' -> n * 3600;
              case 'd' -> n * 86400;
              default -> -1;
            };
        if (seconds >= 0) {
          return Math.max(
              0, nowNs - Math.min(seconds, Long.MAX_VALUE / 1_000_000_000L) * 1_000_000_000L);
        }
      }
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(s);
      long seconds = t.toEpochSecond();
      if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
        return Long.MAX_VALUE;
      }
      return Math.max(0, seconds * 1_000_000_000L + t.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid --since value: " + text)
          .withHint("Use RFC 3339 (2026-02-02T23:45:00Z) or relative like 5m.");
    }
  }

  /**
   * Parses {@code --durability}.
   *
   * @param text {@code fast} or {@code flush}
   * @return the mode
   * @throws PlasmiteException Usage for anything else
   */
  static Durability durability(String text) {
    return switch (text.strip()) {
      case "fast" -> Durability.FAST;
      case "flush" -> Durability.FLUSH;
      default ->
          throw PlasmiteException.of(ErrorKind.USAGE, "invalid durability: " + text)
              .withHint("Use --durability fast or --durability flush.");
    };
  }

  /**
   * The current time.
   *
   * @return Unix nanoseconds
   */
  static long nowNs() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
