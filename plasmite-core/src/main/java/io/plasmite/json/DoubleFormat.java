package io.plasmite.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

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
    byte[] out = new byte[MAX_FAST_BYTES];
    int n = writeFast(value, out, 0);
    if (n >= 0) {
      return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }
    return formatGeneral(value);
  }

  /** Room {@link #writeFast} needs: a sign, 15 digits, a point, 5 zeros after it, and spare. */
  static final int MAX_FAST_BYTES = 32;

  private static final double[] POW10 = new double[23];
  private static final long[] LONG_POW10 = new long[19];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p; // exact up to 1e22
      p *= 10;
    }
    long q = 1;
    for (int i = 0; i < LONG_POW10.length; i++) {
      LONG_POW10[i] = q;
      q *= 10;
    }
  }

  /**
   * The fast path: writes the canonical text of a value with few digits in plain notation, {@code
   * 1e-5 <= |value| < 1e15}, straight into a buffer, without the digits of {@link
   * Double#toString(double)}.
   *
   * <p>With {@code k} fraction digits, take {@code m = rint(|value| * 10^k)}. When {@code m <
   * 10^15}, the product is off by at most 1/16 and the decimals with {@code k} fraction digits that
   * read back as the value lie within 1/8 of the exact product, so at most one does and it is
   * {@code m}; it does iff {@code m / 10^k} (one correctly rounded division of exact operands) is
   * the value. The least such {@code k} gives the fewest digits, the same decimal the general path
   * finds, and within these bounds the layout is plain notation.
   *
   * @param value any double
   * @param out destination with {@link #MAX_FAST_BYTES} bytes of room at {@code at}
   * @param at first destination byte
   * @return the end of the text, or -1 if the value needs the general path (nothing is written)
   */
  static int writeFast(double value, byte[] out, int at) {
    double abs = Math.abs(value);
    if (!(abs >= 1e-5 && abs < 1e15)) {
      return -1; // zero, NaN, infinities, exponent notation, or too many digits
    }
    for (int k = 0; k < POW10.length; k++) {
      double scaled = abs * POW10[k];
      if (scaled >= 1e15) {
        return -1;
      }
      double m = Math.rint(scaled);
      if (m / POW10[k] == abs) {
        return writePlain(value < 0, (long) m, k, out, at);
      }
    }
    return -1;
  }

  /** Writes {@code ±m / 10^k} with {@code k} fraction digits, or {@code m.0} for {@code k = 0}. */
  private static int writePlain(boolean negative, long m, int k, byte[] out, int at) {
    int o = at;
    if (negative) {
      out[o++] = '-';
    }
    // m < 10^15, so with more than 15 fraction digits there is no whole part.
    long whole = k < 16 ? m / LONG_POW10[k] : 0;
    o = writeDigits(whole, out, o);
    out[o++] = '.';
    if (k == 0) {
      out[o++] = '0';
      return o;
    }
    long fraction = m - whole * LONG_POW10[Math.min(k, 15)];
    for (int i = o + k - 1; i >= o; i--) {
      out[i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    return o + k;
  }

  /**
   * Writes the decimal digits of a non-negative number.
   *
   * @param v the number, at least 0
   * @param out destination with room for 19 digits
   * @param at first destination byte
   * @return the end of the digits
   */
  static int writeDigits(long v, byte[] out, int at) {
    int n = 1;
    while (n < 19 && v >= LONG_POW10[n]) {
      n++;
    }
    long x = v;
    int i = at + n;
    // Two digits per division while the number needs a long, then in int arithmetic.
    while (x > Integer.MAX_VALUE) {
      i = putPair(out, i, (int) (x % 100));
      x /= 100;
    }
    int y = (int) x;
    while (y >= 100) {
      i = putPair(out, i, y % 100);
      y /= 100;
    }
    if (y >= 10) {
      i = putPair(out, i, y);
    } else {
      out[--i] = (byte) ('0' + y);
    }
    return at + n;
  }

  /** Writes the two digits of {@code pair} (0..99) just before {@code end}; returns their start. */
  private static int putPair(byte[] out, int end, int pair) {
    out[end - 1] = DIGIT_PAIRS[2 * pair + 1];
    out[end - 2] = DIGIT_PAIRS[2 * pair];
    return end - 2;
  }

  /** "00", "01", ... "99", back to back. */
  private static final byte[] DIGIT_PAIRS = new byte[200];

  static {
    for (int p = 0; p < 100; p++) {
      DIGIT_PAIRS[2 * p] = (byte) ('0' + p / 10);
      DIGIT_PAIRS[2 * p + 1] = (byte) ('0' + p % 10);
    }
  }

  /**
   * The general path, for every finite value: {@link #format} without the fast path.
   *
   * @param value a finite value
   * @return the canonical text
   */
  static String formatGeneral(double value) {
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
