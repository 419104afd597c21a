package io.plasmite.json;

import static io.plasmite.json.ByteWords.HIGHS;
import static io.plasmite.json.ByteWords.ONES;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8: the encoder refuses lone surrogates, the validator refuses overlong forms, encoded
 * surrogates, code points above U+10FFFF and truncated sequences — exactly what the reference JSON
 * reader refuses.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * Finds the first malformed byte sequence.
   *
   * @param buf the bytes
   * @param off first byte
   * @param len number of bytes
   * @return the offset of the first byte of the first malformed sequence, or -1 if all is valid
   */
  public static int firstInvalid(byte[] buf, int off, int len) {
    int i = off;
    int end = off + len;
    // ASCII eight bytes at a time, then one at a time: most text never leaves this loop.
    while (i <= end - 8 && ((long) LONGS.get(buf, i) & HIGHS) == 0) {
      i += 8;
    }
    // The last 1–7 bytes as one word when the array has 8 bytes there.
    if (i < end && end - i < 8 && i <= buf.length - 8) {
      long highs = HIGHS & ByteWords.lowBytes(end - i);
      if (((long) LONGS.get(buf, i) & highs) == 0) {
        return -1;
      }
    }
    while (i < end && buf[i] >= 0) {
      i++;
    }
    return i == end ? -1 : firstInvalidFrom(buf, i, end);
  }

  private static int firstInvalidFrom(byte[] buf, int from, int end) {
    int i = from;
    while (i < end) {
      if (buf[i] >= 0) {
        i++;
        continue;
      }
      int n = sequenceLength(buf, i, end);
      if (n < 0) {
        return i;
      }
      i += n;
    }
    return -1;
  }

  /**
   * Checks the multi-byte sequence whose lead byte (0x80 or above) is at {@code i}: well formed,
   * shortest form, no surrogate, at most U+10FFFF.
   *
   * @param buf the bytes
   * @param i the lead byte
   * @param end the end of the readable bytes
   * @return the sequence's length (2 to 4), or -1 if it is malformed
   */
  public static int sequenceLength(byte[] buf, int i, int end) {
    int b = buf[i] & 0xFF;
    int need;
    int min;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      min = 0x10000;
    } else {
      return -1;
    }
    if (end - i <= need) {
      return -1;
    }
    int cp = b & (0x3F >> need);
    for (int k = 1; k <= need; k++) {
      int cont = buf[i + k] & 0xFF;
      if ((cont & 0xC0) != 0x80) {
        return -1;
      }
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return -1;
    }
    return need + 1;
  }

  /**
   * Tells whether any byte is outside ASCII.
   *
   * @param buf the bytes
   * @param off first byte
   * @param len number of bytes
   * @return true if a byte is 0x80 or above
   */
  public static boolean hasNonAscii(byte[] buf, int off, int len) {
    int i = off;
    int end = off + len;
    for (; i <= end - 8; i += 8) {
      if (((long) LONGS.get(buf, i) & HIGHS) != 0) {
        return true;
      }
    }
    for (; i < end; i++) {
      if (buf[i] < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Encodes UTF-16 characters as UTF-8 into {@code out} starting at {@code outOff}.
   *
   * @param chars the characters
   * @param off first character
   * @param len number of characters
   * @param out destination with room for {@code 3 * len} bytes
   * @param outOff first destination byte
   * @return the number of bytes written, or -1 if the characters hold a lone surrogate
   */
  public static int encode(char[] chars, int off, int len, byte[] out, int outOff) {
    int end = off + len;
    int i = off;
    int o = outOff;
    // ASCII runs first: one compare and one store a character.
    while (i < end) {
      char c = chars[i];
      if (c >= 0x80) {
        break;
      }
      out[o++] = (byte) c;
      i++;
    }
    for (; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | (c >> 6));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= end
            || !Character.isLowSurrogate(chars[i + 1])) {
          return -1;
        }
        int cp = Character.toCodePoint(c, chars[++i]);
        out[o++] = (byte) (0xF0 | (cp >> 18));
        out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[o++] = (byte) (0xE0 | (c >> 12));
        out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return o - outOff;
  }

  /**
   * Encodes a string as UTF-8, refusing lone surrogates.
   *
   * @param s the string
   * @return its UTF-8 bytes, or {@code null} if it holds a lone surrogate
   */
  public static byte[] encode(String s) {
    // Text within Latin-1 (most JSON) leaves the string as one plain copy, widened here a word at
    // a time; getBytes turns any character beyond Latin-1 into '?', so a copy without '?' is exact.
    // One pass over the copy counts the bytes to widen and looks for '?'.
    byte[] latin1 = s.getBytes(StandardCharsets.ISO_8859_1);
    int n = latin1.length;
    int high = 0;
    long question = 0;
    int i = 0;
    for (; i <= n - 8; i += 8) {
      long x = (long) LONGS.get(latin1, i);
      high += Long.bitCount(x & HIGHS);
      long q = x ^ QUESTION_MARKS;
      // Non-zero in HIGHS iff some byte of q is zero, i.e. of x is '?' (exact as a whole).
      question |= (q - ONES) & ~q;
    }
    for (; i < n; i++) {
      high += latin1[i] >>> 31;
      question |= latin1[i] == '?' ? HIGHS : 0;
    }
    if ((question & HIGHS) == 0) {
      return high == 0 ? latin1 : widen(latin1, high);
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    // getBytes replaces a lone surrogate by '?': without a '?' there was none.
    return indexOf(utf8, 0, utf8.length, (byte) '?') < 0 || !hasLoneSurrogate(s) ? utf8 : null;
  }

  private static final long QUESTION_MARKS = ONES * '?';

  /** Latin-1 text holding {@code high} bytes at or above 0x80, as UTF-8. */
  private static byte[] widen(byte[] latin1, int high) {
    byte[] out = new byte[latin1.length + high];
    widen(latin1, 0, latin1.length, out, 0);
    return out;
  }

  /**
   * Writes Latin-1 text as UTF-8: ASCII stays, every other byte becomes two; plain words are copied
   * eight bytes at a time.
   *
   * @param latin1 one byte per character
   * @param from first byte
   * @param to end of the text
   * @param out where the UTF-8 goes
   * @param o first byte in {@code out}
   * @return the end of what was written in {@code out}
   */
  static int widen(byte[] latin1, int from, int to, byte[] out, int o) {
    int i = from;
    while (i < to) {
      if (i <= to - 8) {
        long x = (long) LONGS.get(latin1, i);
        if ((x & HIGHS) == 0) {
          LONGS.set(out, o, x);
          i += 8;
          o += 8;
          continue;
        }
      }
      byte b = latin1[i++];
      if (b >= 0) {
        out[o++] = b;
      } else {
        out[o++] = (byte) (0xC0 | ((b & 0xFF) >>> 6));
        out[o++] = (byte) (0x80 | (b & 0x3F));
      }
    }
    return o;
  }

  /**
   * Tells whether a string holds a surrogate that is not part of a pair.
   *
   * @param s the string
   * @return true if some surrogate is unpaired
   */
  public static boolean hasLoneSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= n
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      }
    }
    return false;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Finds a byte value, eight bytes at a time.
   *
   * @param buf the bytes
   * @param off first byte
   * @param len number of bytes
   * @param value the byte to find
   * @return the offset of the first occurrence, or -1
   */
  public static int indexOf(byte[] buf, int off, int len, byte value) {
    long pattern = ONES * (value & 0xFF);
    int i = off;
    int end = off + len;
    for (; i <= end - 8; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      // Non-zero iff some byte of x is zero: the classic SWAR test, exact as a whole.
      if (((x - ONES) & ~x & HIGHS) != 0) {
        break;
      }
    }
    for (; i < end; i++) {
      if (buf[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
