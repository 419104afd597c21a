package io.plasmite.json;

import java.math.BigDecimal;

/**
 * Prints a double in the shortest form that reads back exactly, laid out as the other plasmite
 * tools print it ({@code json.md} §2): {@code 100.0}, {@code 12.34}, {@code 0.001234}, {@code
 * 1e16}, {@code 1.5e-7}, {@code -0.0}.
 *
 * <p>The digits come from {@link Double#toString(double)}, which since JDK 19 yields the shortest
 * decimal that rounds to the value, closest to it on ties. It differs in one case: when a single
 * digit would do, it may choose a closer two-digit decimal ({@code 4.9E-324}); that case is
 * narrowed back to one digit here ({@code 5e-324}).
 */
public final class DoubleFormat {
  private DoubleFormat() {}

  /**
   * Formats a finite double.
   *
   * @param value a finite value
   * @return the canonical text
   * @throws IllegalArgumentException for NaN or an infinity, which JSON cannot hold
   */
  public static String format(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite number: " + value);
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0";
    }
    String java = Double.toString(Math.abs(value));
    int e = java.indexOf('E');
    String mantissa = e < 0 ? java : java.substring(0, e);
    int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
    int dot = mantissa.indexOf('.');
    StringBuilder digits = new StringBuilder(mantissa.length());
    digits.append(mantissa, 0, dot).append(mantissa, dot + 1, mantissa.length());
    // value = 0.DIGITS x 10^point
    int point = dot + exponent;
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
    }
    digits.delete(0, lead);
    point -= lead;
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits.setLength(end);
    if (digits.length() == 2) {
      point = narrowToOneDigit(Math.abs(value), digits, point);
    }
    StringBuilder out = new StringBuilder(24);
    if (value < 0) {
      out.append('-');
    }
    layout(digits, point, out);
    return out.toString();
  }

  /** Replaces a two-digit result by a one-digit one when that also reads back exactly. */
  private static int narrowToOneDigit(double value, StringBuilder digits, int point) {
    int first = digits.charAt(0) - '0';
    int bestDigit = -1;
    int bestPoint = 0;
    BigDecimal exact = new BigDecimal(value);
    BigDecimal bestDistance = null;
    for (int candidate = first; candidate <= first + 1; candidate++) {
      int d = candidate == 10 ? 1 : candidate;
      int p = candidate == 10 ? point + 1 : point;
      if (Double.parseDouble(d + "E" + (p - 1)) != value) {
        continue;
      }
      BigDecimal distance = new BigDecimal(d).scaleByPowerOfTen(p - 1).subtract(exact).abs();
      int cmp = bestDistance == null ? -1 : distance.compareTo(bestDistance);
      if (cmp < 0 || (cmp == 0 && d % 2 == 0)) {
        bestDigit = d;
        bestPoint = p;
        bestDistance = distance;
      }
    }
    if (bestDigit < 0) {
      return point;
    }
    digits.setLength(0);
    digits.append((char) ('0' + bestDigit));
    return bestPoint;
  }

  private static void layout(CharSequence digits, int point, StringBuilder out) {
    int n = digits.length();
    int trailingZeros = point - n;
    if (trailingZeros >= 0 && point <= 16) {
      out.append(digits);
      out.repeat('0', trailingZeros);
      out.append(".0");
    } else if (point > 0 && point <= 16) {
      out.append(digits, 0, point).append('.').append(digits, point, n);
    } else if (point > -5 && point <= 0) {
      out.append("0.");
      out.repeat('0', -point);
      out.append(digits);
    } else {
      out.append(digits.charAt(0));
      if (n > 1) {
        out.append('.').append(digits, 1, n);
      }
      out.append('e').append(point - 1);
    }
  }
}
