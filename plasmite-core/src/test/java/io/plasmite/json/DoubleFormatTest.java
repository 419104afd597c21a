package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DoubleFormatTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0.0, 0.0",
    "-0.0, -0.0",
    "1.0, 1.0",
    "-1.0, -1.0",
    "100.0, 100.0",
    "0.1, 0.1",
    "1.5, 1.5",
    "12.34, 12.34",
    "0.001234, 0.001234",
    "0.00001, 0.00001",
    "0.000025, 0.000025",
    "1e-6, 1e-6",
    "1.5e-7, 1.5e-7",
    "1e15, 1000000000000000.0",
    "1.234e15, 1234000000000000.0",
    "9007199254740992, 9007199254740992.0",
    "1e16, 1e16",
    "1.5e16, 1.5e16",
    "1e20, 1e20",
    "1e21, 1e21",
    "123456789.125, 123456789.125",
    "18446744073709551615, 1.8446744073709552e19",
    "-9223372036854775809, -9.223372036854776e18",
    "1.7976931348623157e308, 1.7976931348623157e308",
    "1e308, 1e308",
    "4.9e-324, 5e-324",
    "-4.9e-324, -5e-324",
    "1e-323, 1e-323",
    "2.2250738585072014e-308, 2.2250738585072014e-308",
    "0.30000000000000004, 0.30000000000000004",
    "5e-5, 0.00005",
    "123e-20, 1.23e-18",
    "-851864.0, -851864.0",
    "2e22, 2e22",
    "9.999999999999999e22, 1e23",
    "1e23, 1e23",
  })
  void knownValues(String literal, String expected) {
    assertEquals(expected, DoubleFormat.format(Double.parseDouble(literal)));
  }

  @Test
  void digitsOfEveryMagnitudeAndAtEveryBoundaryMatchLongToString() {
    List<Long> values = new ArrayList<>();
    long p = 1;
    for (int k = 0; k <= 18; k++) {
      values.add(p - 1);
      values.add(p);
      values.add(p + 1);
      p *= 10;
    }
    values.add((long) Integer.MAX_VALUE);
    values.add(Integer.MAX_VALUE + 1L);
    values.add(Long.MAX_VALUE);
    SplittableRandom rng = new SplittableRandom(0xD161L);
    for (int i = 0; i < 100_000; i++) {
      values.add(rng.nextLong(Long.MAX_VALUE) >>> rng.nextInt(63));
    }
    byte[] out = new byte[40];
    for (long v : values) {
      int end = DoubleFormat.writeDigits(v, out, 3);
      assertEquals(
          Long.toString(v),
          new String(out, 3, end - 3, StandardCharsets.US_ASCII),
          "digits of " + v);
    }
  }

  @Test
  void refusesNonFiniteValues() {
    assertThrows(IllegalArgumentException.class, () -> DoubleFormat.format(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> DoubleFormat.format(Double.POSITIVE_INFINITY));
    assertThrows(
        IllegalArgumentException.class, () -> DoubleFormat.format(Double.NEGATIVE_INFINITY));
  }

  /** Every output reads back exactly, and no decimal with fewer digits would. */
  @Test
  void randomDoublesRoundTripWithTheFewestDigits() {
    long seed = 0x5EED_D0B1EL;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 200_000; i++) {
      double v =
          switch (i % 4) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
            case 2 -> Double.longBitsToDouble(random.nextLong(0, 1L << 52)); // subnormal
            default -> random.nextInt(-1_000_000, 1_000_000) / Math.pow(10, random.nextInt(0, 9));
          };
      if (!Double.isFinite(v)) {
        continue;
      }
      String text = DoubleFormat.format(v);
      assertEquals(v, Double.parseDouble(text), () -> "seed " + seed + ": " + v + " -> " + text);
      assertFalse(text.contains("E") || text.contains("+"), text);
      int digits = significantDigits(text);
      if (digits > 1 && v != 0) {
        BigDecimal exact = new BigDecimal(Math.abs(v));
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
          double shorter =
              exact.round(new MathContext(digits - 1, mode)).doubleValue() * Math.signum(v);
          assertFalse(
              shorter == v, () -> "seed " + seed + ": " + v + " has a shorter form than " + text);
        }
      }
    }
  }

  /** The fast path for short decimals prints exactly what the general path prints. */
  @Test
  void fastPathAgreesWithTheGeneralPath() {
    long seed = 0xFA57_D0B1EL;
    SplittableRandom random = new SplittableRandom(seed);
    byte[] out = new byte[DoubleFormat.MAX_FAST_BYTES + 3];
    int fast = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double v =
          switch (i % 6) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(-8, 17));
            case 2 ->
                random.nextLong(-1_000_000_000_000_000L, 1_000_000_000_000_000L)
                    / Math.pow(10, random.nextInt(0, 22));
            case 3 -> random.nextInt(-1_000_000, 1_000_000) / Math.pow(10, random.nextInt(0, 12));
            case 4 -> Math.nextAfter(Math.pow(10, random.nextInt(-6, 16)), random.nextInt(-1, 2));
            default -> (double) random.nextLong(-(1L << 53), 1L << 53);
          };
      if (!Double.isFinite(v)) {
        continue;
      }
      int end = DoubleFormat.writeFast(v, out, 3);
      if (end < 0) {
        continue;
      }
      fast++;
      String text = new String(out, 3, end - 3, StandardCharsets.US_ASCII);
      assertEquals(
          DoubleFormat.formatGeneral(v), text, () -> "seed " + seed + ": " + Double.toString(v));
    }
    assertTrue(fast > 300_000, "fast path taken " + fast + " times");
  }

  private static int significantDigits(String text) {
    String mantissa = text.replace("-", "");
    int e = mantissa.indexOf('e');
    if (e >= 0) {
      mantissa = mantissa.substring(0, e);
    }
    String digits = mantissa.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
    return Math.max(1, digits.length());
  }
}
