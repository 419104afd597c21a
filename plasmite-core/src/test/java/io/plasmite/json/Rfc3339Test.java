package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Rfc3339Test {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 1970-01-01T00:00:00Z",
    "1, 1970-01-01T00:00:00.000000001Z",
    "100000000, 1970-01-01T00:00:00.1Z",
    "120000000, 1970-01-01T00:00:00.12Z",
    "123456700, 1970-01-01T00:00:00.1234567Z",
    "999999999, 1970-01-01T00:00:00.999999999Z",
    "1769947200000000000, 2026-02-01T12:00:00Z",
    "1769947200100000000, 2026-02-01T12:00:00.1Z",
    "1769947200123456700, 2026-02-01T12:00:00.1234567Z",
    "1709164800000000000, 2024-02-29T00:00:00Z",
    "-1, 1969-12-31T23:59:59.999999999Z",
    "9223372036854775807, 2262-04-11T23:47:16.854775807Z",
  })
  void knownInstants(String epochNs, String expected) {
    assertEquals(expected, Rfc3339.format(Long.parseLong(epochNs)));
  }

  @Test
  void agreesWithInstantParsing() {
    SplittableRandom random = new SplittableRandom(1234);
    for (int i = 0; i < 10_000; i++) {
      long ns = random.nextLong(0, 4_102_444_800_000_000_000L);
      String text = Rfc3339.format(ns);
      Instant parsed = Instant.parse(text);
      assertEquals(ns, parsed.getEpochSecond() * 1_000_000_000L + parsed.getNano(), text);
    }
  }
}
