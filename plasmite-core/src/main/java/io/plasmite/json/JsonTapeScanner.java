package io.plasmite.json;

import static io.plasmite.json.ByteWords.HIGHS;
import static io.plasmite.json.ByteWords.ONES;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fast path of {@link JsonTape}: strict JSON straight from UTF-8 bytes into the tape, without
 * Jackson's UTF-16 strings and without a parser object per document.
 *
 * <p>It accepts a subset of what Jackson accepts and fills the tape exactly as the Jackson path
 * would. Anything unusual — an error of any kind, a lone surrogate escape, an integer of 19 or more
 * digits, a nesting limit — makes {@link #scan} return false, and the caller parses the text again
 * with Jackson, which then either accepts it or reports the error with its position. So this class
 * never decides that input is invalid; it only decides that it is the common case.
 *
 * <p>Raw bytes are checked on the way: a NUL or other control byte, or malformed UTF-8 inside a
 * string, sends the input to the Jackson path, which reports it; outside strings only ASCII is
 * valid JSON anyway.
 *
 * <p>JSON given as a {@code String} is scanned from its Latin-1 copy ({@link #scanLatin1}): a byte
 * above ASCII in a string is then a character of its own, and such strings are written to the tape
 * as UTF-8; a character beyond Latin-1 (a '?' in the copy) sends the text to the caller's other
 * paths.
 */
final class JsonTapeScanner {
  /** Longest integer literal, in digits, read here; longer ones may not fit a long. */
  private static final int LONG_DIGITS_MAX = 18;

  /** Most significant digits of a double computed exactly here (below 2^53). */
  private static final int EXACT_DIGITS_MAX = 15;

  /** Powers of ten that are exact doubles: 10^0 .. 10^22. */
  private static final double[] EXACT_POWERS = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < EXACT_POWERS.length; i++) {
      EXACT_POWERS[i] = p;
      p *= 10;
    }
  }

  private final JsonTape tape;
  private byte[] in;
  private int end;
  private int inputStart;
  private int inputCopy;
  private int[] stack = new int[16];
  // In Latin-1 mode (scanLatin1), the string the input was copied from; else null.
  private String latin1Source;
  // Whether the last scanLatin1 stopped at a character beyond Latin-1.
  private boolean beyondLatin1;
  private char[] numberChars = new char[32];

  JsonTapeScanner(JsonTape tape) {
    this.tape = tape;
  }

  /**
   * Scans one JSON value filling the whole input.
   *
   * @return true if the tape now holds the document; false if the Jackson path must decide
   */
  boolean scan(byte[] json, int off, int len, int maxDepth) {
    return scanInput(json, off, len, maxDepth);
  }

  /**
   * Scans the Latin-1 copy of a string ({@code String.getBytes(ISO_8859_1)}), writing the UTF-8 of
   * every string that needs it: one pass instead of widening the whole copy first. A '?' in a
   * string is checked against the string, as {@code getBytes} writes one for a character beyond
   * Latin-1; any such character makes this return false.
   *
   * @return true if the tape now holds the document; false if the caller must decide
   */
  boolean scanLatin1(byte[] latin1, String source, int maxDepth) {
    latin1Source = source;
    beyondLatin1 = false;
    try {
      return scanInput(latin1, 0, latin1.length, maxDepth);
    } finally {
      latin1Source = null;
    }
  }

  /**
   * Tells whether the last {@link #scanLatin1} stopped at a character beyond Latin-1.
   *
   * @return true if a '?' of the copy stood for another character
   */
  boolean stoppedBeyondLatin1() {
    return beyondLatin1;
  }

  private boolean scanInput(byte[] json, int off, int len, int maxDepth) {
    in = json;
    end = off + len;
    tape.clear();
    // One copy of the whole input up front instead of one per string: unescaped strings and keys
    // point into it, escaped ones are written after it.
    inputStart = off;
    inputCopy = tape.copyIn(json, off, len);
    int depth = 0;
    int pos = skipWhitespace(off);
    // Steps: (1) read a value at pos; (2) after it, either finish (depth 0), or read a separator
    // and the next key/element, or close the innermost container and repeat (2).
    while (true) {
      if (pos >= end) {
        return false;
      }
      // The stack holds an object's token, or the complement of an array's.
      if (depth > 0 && stack[depth - 1] < 0) {
        tape.countMember(~stack[depth - 1]);
      }
      byte c = in[pos];
      switch (c) {
        case '{', '[' -> {
          if (depth >= maxDepth) {
            return false;
          }
          int at = tape.addContainer(c == '{' ? JsonTape.OBJECT : JsonTape.ARRAY);
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          stack[depth++] = c == '{' ? at : ~at;
          pos = skipWhitespace(pos + 1);
          if (pos >= end) {
            return false;
          }
          byte close = c == '{' ? (byte) '}' : (byte) ']';
          if (in[pos] == close) {
            tape.closeContainer(at);
            depth--;
            pos++;
            break;
          }
          if (c == '{') {
            pos = member(at, pos);
            if (pos < 0) {
              return false;
            }
          }
          continue;
        }
        case '"' -> {
          pos = string(pos + 1, false);
          if (pos < 0) {
            return false;
          }
        }
        case 't' -> {
          pos = literal(pos, 't', 'r', 'u', 'e', JsonTape.TRUE);
          if (pos < 0) {
            return false;
          }
        }
        case 'f' -> {
          if (pos + 5 > end
              || in[pos + 1] != 'a'
              || in[pos + 2] != 'l'
              || in[pos + 3] != 's'
              || in[pos + 4] != 'e') {
            return false;
          }
          tape.addScalar(JsonTape.FALSE);
          pos += 5;
        }
        case 'n' -> {
          pos = literal(pos, 'n', 'u', 'l', 'l', JsonTape.NULL);
          if (pos < 0) {
            return false;
          }
        }
        default -> {
          pos = number(pos);
          if (pos < 0) {
            return false;
          }
        }
      }
      // (2) after a value: close containers, or step to the next member or element.
      while (true) {
        pos = skipWhitespace(pos);
        if (depth == 0) {
          return pos == end;
        }
        if (pos >= end) {
          return false;
        }
        int top = stack[depth - 1];
        byte s = in[pos];
        boolean object = top >= 0;
        if (s == ',') {
          pos = skipWhitespace(pos + 1);
          if (object) {
            pos = member(top, pos);
            if (pos < 0) {
              return false;
            }
          }
          break;
        }
        if (s != (object ? '}' : ']')) {
          return false;
        }
        tape.closeContainer(object ? top : ~top);
        depth--;
        pos++;
      }
    }
  }

  /** A member's key and colon at {@code pos}; returns where its value starts, or -1. */
  private int member(int object, int pos) {
    if (pos >= end || in[pos] != '"') {
      return -1;
    }
    tape.countMember(object);
    JsonTape.ExpectedKeys expected = tape.expected();
    int token = tape.size();
    if (expected != null
        && token < expected.lengths.length
        && expected.lengths[token] >= 0
        && expected.at(in, pos + 1, end, token)) {
      // The key an earlier document had here: its bytes are plain text, and its prefix is known.
      int n = expected.lengths[token];
      tape.addKey(inputCopy + (pos + 1 - inputStart), n, expected.prefixes[token]);
      pos += n + 2;
    } else {
      pos = string(pos + 1, true);
      if (pos < 0) {
        return -1;
      }
    }
    pos = skipWhitespace(pos);
    if (pos >= end || in[pos] != ':') {
      return -1;
    }
    return skipWhitespace(pos + 1);
  }

  private int literal(int pos, char c0, char c1, char c2, char c3, byte kind) {
    if (pos + 4 > end
        || in[pos] != c0
        || in[pos + 1] != c1
        || in[pos + 2] != c2
        || in[pos + 3] != c3) {
      return -1;
    }
    tape.addScalar(kind);
    return pos + 4;
  }

  /**
   * The rest of a string or key after its opening quote, unescaped into the tape's text; returns
   * the position after the closing quote, or -1.
   */
  private int string(int pos, boolean key) {
    int start = pos;
    boolean latin1 = latin1Source != null;
    // The common case: no escape, copied in one go. Plain ASCII is skipped eight bytes at a time,
    // and the first byte that is not (the closing quote, mostly) is found in its word; words may
    // reach past the input's end inside the array, and what they find there counts as not found.
    while (pos < end && pos <= in.length - 8) {
      long x = (long) LONGS.get(in, pos);
      long flags = latin1 ? notPlainFlags(x) | questionFlags(x) : notPlainFlags(x);
      if (flags == 0) {
        pos += 8;
        continue;
      }
      pos = Math.min(end, pos + (Long.numberOfTrailingZeros(flags) >>> 3));
      break;
    }
    int high = 0;
    while (pos < end) {
      byte c = in[pos];
      if (c == '"') {
        int n = pos - start;
        if (high == 0) {
          // No escape: the text is where the input copy holds it.
          tape.addText(key ? JsonTape.KEY : JsonTape.STRING, inputCopy + (start - inputStart), n);
        } else {
          int textOff = tape.reserveText(n + high);
          widen(start, pos, tape.bytes(), textOff);
          tape.addText(key ? JsonTape.KEY : JsonTape.STRING, textOff, n + high);
        }
        return pos + 1;
      }
      if (c == '\\') {
        return escapedString(start, pos, key);
      }
      if (c < 0x20) {
        if (c >= 0) {
          return -1;
        }
        if (latin1) {
          // A Latin-1 character: two bytes of UTF-8.
          high++;
          pos++;
          continue;
        }
        int n = Utf8.sequenceLength(in, pos, end);
        if (n < 0) {
          return -1;
        }
        pos += n;
        continue;
      }
      if (c == '?' && latin1 && standsForAnother(pos)) {
        return -1;
      }
      pos++;
    }
    return -1;
  }

  /**
   * In Latin-1 mode, tells whether the '?' at {@code pos} stands for a character beyond Latin-1
   * (which {@code getBytes} wrote as '?'), and notes it.
   */
  private boolean standsForAnother(int pos) {
    if (latin1Source.charAt(pos) == '?') {
      return false;
    }
    beyondLatin1 = true;
    return true;
  }

  /** Writes input bytes {@code [from, to)} as UTF-8: a copy, or in Latin-1 mode widened. */
  private int widen(int from, int to, byte[] out, int o) {
    if (latin1Source == null) {
      System.arraycopy(in, from, out, o, to - from);
      return o + to - from;
    }
    return Utf8.widen(in, from, to, out, o);
  }

  private static final long QUESTION_MARKS = '?' * ONES;

  /** Flags the bytes of eight that are '?' (exactly, for the lowest one), else 0. */
  private static long questionFlags(long x) {
    long q = x ^ QUESTION_MARKS;
    return (q - ONES) & ~q & HIGHS;
  }

  private static final long QUOTES = 0x22 * ONES;
  private static final long BACKSLASHES = 0x5C * ONES;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Flags the bytes of eight that are a quote, a backslash, a control byte or non-ASCII: 0 when
   * there is none. A byte {@code b} of {@code x} is zero in {@code y = x ^ c} iff it equals {@code
   * c}'s; {@code (y - ONES) & ~y & HIGHS} flags such bytes (exactly, for the lowest one, which is
   * all this needs: a false flag needs a borrow from a flagged byte below it), and {@code x - 0x20
   * * ONES} borrows into the high bit of a byte below 0x20.
   */
  private static long notPlainFlags(long x) {
    long quote = x ^ QUOTES;
    long backslash = x ^ BACKSLASHES;
    long flags =
        ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash)
            | ((x - 0x20 * ONES) & ~x)
            | x;
    return flags & HIGHS;
  }

  private int escapedString(int start, int firstEscape, boolean key) {
    // Unescaping never lengthens: every escape is at least as long as its UTF-8. A Latin-1
    // character doubles.
    boolean latin1 = latin1Source != null;
    int scan = firstEscape;
    while (scan < end && in[scan] != '"') {
      scan += in[scan] == '\\' ? 2 : 1;
    }
    if (scan >= end) {
      return -1;
    }
    int most = latin1 ? 2 * (scan - start) : scan - start;
    int textOff = tape.reserveText(most);
    byte[] out = tape.bytes();
    int o = widen(start, firstEscape, out, textOff);
    int pos = firstEscape;
    while (true) {
      if (pos >= end) {
        return -1;
      }
      byte c = in[pos];
      if (c == '"') {
        tape.addText(key ? JsonTape.KEY : JsonTape.STRING, textOff, o - textOff);
        return pos + 1;
      }
      if (c != '\\' && c >= 0x20) {
        if (c == '?' && latin1 && standsForAnother(pos)) {
          return -1;
        }
        out[o++] = c;
        pos++;
        continue;
      }
      if (c >= 0 && c < 0x20) {
        return -1;
      }
      if (c < 0 && latin1) {
        o = widen(pos, pos + 1, out, o);
        pos++;
        continue;
      }
      if (c < 0) {
        int n = Utf8.sequenceLength(in, pos, end);
        if (n < 0) {
          return -1;
        }
        System.arraycopy(in, pos, out, o, n);
        o += n;
        pos += n;
        continue;
      }
      if (pos + 1 >= end) {
        return -1;
      }
      byte e = in[pos + 1];
      pos += 2;
      switch (e) {
        case '"', '\\', '/' -> out[o++] = e;
        case 'b' -> out[o++] = '\b';
        case 'f' -> out[o++] = '\f';
        case 'n' -> out[o++] = '\n';
        case 'r' -> out[o++] = '\r';
        case 't' -> out[o++] = '\t';
        case 'u' -> {
          int u = hex4(pos);
          if (u < 0 || Character.isLowSurrogate((char) u)) {
            return -1;
          }
          pos += 4;
          int cp = u;
          if (Character.isHighSurrogate((char) u)) {
            if (pos + 6 > end || in[pos] != '\\' || in[pos + 1] != 'u') {
              return -1;
            }
            int low = hex4(pos + 2);
            if (low < 0 || !Character.isLowSurrogate((char) low)) {
              return -1;
            }
            pos += 6;
            cp = Character.toCodePoint((char) u, (char) low);
          }
          o = putCodePoint(out, o, cp);
          if (cp == 0 && key) {
            tape.noteKeyNul();
          }
        }
        default -> {
          return -1;
        }
      }
    }
  }

  private int hex4(int pos) {
    if (pos + 4 > end) {
      return -1;
    }
    int v = 0;
    for (int i = pos; i < pos + 4; i++) {
      int d = Character.digit(in[i], 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int putCodePoint(byte[] out, int o, int cp) {
    if (cp < 0x80) {
      out[o++] = (byte) cp;
    } else if (cp < 0x800) {
      out[o++] = (byte) (0xC0 | (cp >> 6));
      out[o++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out[o++] = (byte) (0xE0 | (cp >> 12));
      out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[o++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      out[o++] = (byte) (0xF0 | (cp >> 18));
      out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[o++] = (byte) (0x80 | (cp & 0x3F));
    }
    return o;
  }

  /**
   * A number literal: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. Integers of up
   * to 18 digits and doubles whose digits and exponent allow one exact division or multiplication
   * are computed here; longer integers go to Jackson, other doubles to the JDK's correctly rounded
   * parser.
   */
  private int number(int pos) {
    int start = pos;
    boolean negative = in[pos] == '-';
    if (negative) {
      pos++;
    }
    if (pos >= end) {
      return -1;
    }
    long mantissa = 0;
    int digits = 0;
    int significant = 0;
    byte c = in[pos];
    if (c == '0') {
      pos++;
      digits = 1;
    } else if (c >= '1' && c <= '9') {
      while (pos < end && (c = in[pos]) >= '0' && c <= '9') {
        if (significant < 19) {
          mantissa = mantissa * 10 + (c - '0');
        }
        significant++;
        digits++;
        pos++;
      }
    } else {
      return -1;
    }
    boolean fraction = pos < end && in[pos] == '.';
    int fractionDigits = 0;
    if (fraction) {
      pos++;
      int fractionStart = pos;
      while (pos < end && (c = in[pos]) >= '0' && c <= '9') {
        if (significant > 0 || c != '0') {
          if (significant < 19) {
            mantissa = mantissa * 10 + (c - '0');
            fractionDigits++;
          }
          significant++;
        } else {
          fractionDigits++;
        }
        pos++;
        digits++;
      }
      if (pos == fractionStart) {
        return -1;
      }
    }
    boolean exponent = pos < end && (in[pos] == 'e' || in[pos] == 'E');
    long exp = 0;
    if (exponent) {
      pos++;
      boolean expNegative = false;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        expNegative = in[pos] == '-';
        pos++;
      }
      int expStart = pos;
      while (pos < end && (c = in[pos]) >= '0' && c <= '9') {
        if (exp < 100_000) {
          exp = exp * 10 + (c - '0');
        }
        pos++;
      }
      if (pos == expStart) {
        return -1;
      }
      if (expNegative) {
        exp = -exp;
      }
    }
    if (!fraction && !exponent) {
      if (digits <= LONG_DIGITS_MAX) {
        if (negative && mantissa == 0) {
          tape.addNumber(JsonTape.F64, Double.doubleToRawLongBits(-0.0));
        } else {
          tape.addNumber(JsonTape.I64, negative ? -mantissa : mantissa);
        }
        return pos;
      }
      return bigInteger(start, pos, negative);
    }
    double d;
    long scale = exp - fractionDigits;
    if (significant <= EXACT_DIGITS_MAX && scale >= -22 && scale <= 22) {
      // One correctly rounded operation on two exact doubles is the correctly rounded result.
      d =
          scale < 0
              ? (double) mantissa / EXACT_POWERS[(int) -scale]
              : (double) mantissa * EXACT_POWERS[(int) scale];
      if (negative) {
        d = -d;
      }
    } else {
      d = parseDouble(start, pos - start);
      if (!Double.isFinite(d)) {
        return -1;
      }
    }
    tape.addNumber(JsonTape.F64, Double.doubleToRawLongBits(d));
    return pos;
  }

  /**
   * An integer literal of 19 or more digits: a long if it fits, else the nearest double (as the
   * Jackson path: integers up to 2^64-1 and beyond are both correctly rounded).
   */
  private int bigInteger(int start, int pos, boolean negative) {
    int first = negative ? start + 1 : start;
    int digits = pos - first;
    if (digits == LONG_DIGITS_MAX + 1) {
      long high = 0;
      for (int i = first; i < pos - 1; i++) {
        high = high * 10 + (in[i] - '0');
      }
      int last = in[pos - 1] - '0';
      // 18 digits times ten plus one more digit fits an unsigned 64-bit number.
      long value = high * 10 + last;
      boolean fitsLong =
          negative
              ? Long.compareUnsigned(value, Long.MIN_VALUE) <= 0
              : Long.compareUnsigned(value, Long.MAX_VALUE) <= 0;
      if (fitsLong) {
        tape.addNumber(JsonTape.I64, negative ? -value : value);
        return pos;
      }
    }
    double d = parseDouble(start, pos - start);
    if (!Double.isFinite(d)) {
      return -1;
    }
    tape.addNumber(JsonTape.F64, Double.doubleToRawLongBits(d));
    return pos;
  }

  private double parseDouble(int start, int n) {
    if (numberChars.length < n) {
      numberChars = new char[Math.max(n, 2 * numberChars.length)];
    }
    for (int i = 0; i < n; i++) {
      numberChars[i] = (char) in[start + i];
    }
    return Double.parseDouble(new String(numberChars, 0, n));
  }

  private int skipWhitespace(int pos) {
    // Compact JSON has none: every whitespace byte is at most ' ', most others are above it.
    if (pos < end && in[pos] > ' ') {
      return pos;
    }
    while (pos < end) {
      byte c = in[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      pos++;
    }
    return pos;
  }
}
