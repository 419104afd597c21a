package io.plasmite.json;

import static io.plasmite.json.ByteWords.HIGHS;
import static io.plasmite.json.ByteWords.ONES;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes JSON text as UTF-8 bytes in the canonical form shared by the plasmite tools ({@code
 * json.md} §2): minimal escaping, shortest round-trip doubles, and either compact output (no
 * spaces) or pretty output (two-space indent, {@code ": "} after keys, {@code []}/{@code {}} when
 * empty).
 *
 * <p>The writer does not sort keys; callers emit members in UTF-8 byte order. It is reusable
 * ({@link #reset()}) and not thread-safe.
 *
 * <pre>{@code
 * CanonicalJsonWriter w = new CanonicalJsonWriter(false);
 * w.startObject().key("a").value(1).endObject();
 * w.toString(); // {"a":1}
 * }</pre>
 */
public final class CanonicalJsonWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private final boolean pretty;
  private byte[] buf = new byte[256];
  private int len;
  private int depth;

  /** Most nested containers the writer tracks. */
  public static final int DEPTH_MAX = 63;

  // Per open container: has it written a member yet? Bit i is depth i.
  private long nonEmpty;
  private boolean afterKey;
  // False while every byte written is ASCII: toString is then one copy.
  private boolean mayHoldHigh;

  /**
   * Creates a writer.
   *
   * @param pretty two-space indented output when true, compact when false
   */
  public CanonicalJsonWriter(boolean pretty) {
    this.pretty = pretty;
  }

  /** Forgets everything written. */
  public void reset() {
    len = 0;
    depth = 0;
    nonEmpty = 0;
    afterKey = false;
    mayHoldHigh = false;
  }

  /**
   * Starts an object.
   *
   * @return this writer
   */
  public CanonicalJsonWriter startObject() {
    beforeValue();
    put((byte) '{');
    open();
    return this;
  }

  /**
   * Ends an object.
   *
   * @return this writer
   */
  public CanonicalJsonWriter endObject() {
    close((byte) '}');
    return this;
  }

  /**
   * Starts an array.
   *
   * @return this writer
   */
  public CanonicalJsonWriter startArray() {
    beforeValue();
    put((byte) '[');
    open();
    return this;
  }

  /**
   * Ends an array.
   *
   * @return this writer
   */
  public CanonicalJsonWriter endArray() {
    close((byte) ']');
    return this;
  }

  /**
   * Writes a member name.
   *
   * @param name the name
   * @return this writer
   */
  public CanonicalJsonWriter key(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    return key(utf8, 0, utf8.length);
  }

  /**
   * Writes a member name given as valid UTF-8.
   *
   * @param utf8 the bytes
   * @param off first byte
   * @param n number of bytes
   * @return this writer
   */
  public CanonicalJsonWriter key(byte[] utf8, int off, int n) {
    beforeValue();
    quoted(utf8, off, n);
    ensure(2);
    buf[len++] = ':';
    if (pretty) {
      buf[len++] = ' ';
    }
    afterKey = true;
    return this;
  }

  /**
   * Writes a member name given already quoted and escaped, as {@link #key(byte[], int, int)} would
   * write it (without the colon); a decoder keeps the names of keys it meets often this way.
   *
   * @param quoted the quoted name
   * @param off first byte (the opening quote)
   * @param n number of bytes, quotes included
   * @param nonAscii whether a byte of the name is 0x80 or above
   * @return this writer
   */
  public CanonicalJsonWriter quotedKey(byte[] quoted, int off, int n, boolean nonAscii) {
    beforeValue();
    ensure(n + 2);
    System.arraycopy(quoted, off, buf, len, n);
    len += n;
    buf[len++] = ':';
    if (pretty) {
      buf[len++] = ' ';
    }
    if (nonAscii) {
      mayHoldHigh = true;
    }
    afterKey = true;
    return this;
  }

  /**
   * Writes a string value.
   *
   * @param s the string
   * @return this writer
   */
  public CanonicalJsonWriter value(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return string(utf8, 0, utf8.length);
  }

  /**
   * Writes a string value given as valid UTF-8.
   *
   * @param utf8 the bytes
   * @param off first byte
   * @param n number of bytes
   * @return this writer
   */
  public CanonicalJsonWriter string(byte[] utf8, int off, int n) {
    beforeValue();
    quoted(utf8, off, n);
    return this;
  }

  /**
   * Writes an integer.
   *
   * @param v the value
   * @return this writer
   */
  public CanonicalJsonWriter value(long v) {
    beforeValue();
    ensure(20);
    long x = v;
    if (x < 0) {
      if (x == Long.MIN_VALUE) {
        ascii(Long.toString(x));
        return this;
      }
      buf[len++] = '-';
      x = -x;
    }
    len = DoubleFormat.writeDigits(x, buf, len);
    return this;
  }

  /**
   * Writes a finite double in its shortest round-trip form.
   *
   * @param v the value
   * @return this writer
   */
  public CanonicalJsonWriter value(double v) {
    beforeValue();
    ensure(DoubleFormat.MAX_FAST_BYTES);
    int end = DoubleFormat.writeFast(v, buf, len);
    if (end >= 0) {
      len = end;
    } else {
      ascii(DoubleFormat.formatGeneral(v));
    }
    return this;
  }

  /**
   * Writes a boolean.
   *
   * @param v the value
   * @return this writer
   */
  public CanonicalJsonWriter value(boolean v) {
    beforeValue();
    raw(v ? TRUE : FALSE);
    return this;
  }

  /**
   * Writes null.
   *
   * @return this writer
   */
  public CanonicalJsonWriter nullValue() {
    beforeValue();
    raw(NULL);
    return this;
  }

  /**
   * Writes already-canonical JSON text as one value (for example a stored data object).
   *
   * @param json canonical JSON produced by a writer of the same style
   * @return this writer
   */
  public CanonicalJsonWriter rawValue(byte[] json) {
    beforeValue();
    raw(json);
    mayHoldHigh = true;
    return this;
  }

  /**
   * Bytes written so far.
   *
   * @return the length
   */
  public int length() {
    return len;
  }

  /**
   * A copy of the output.
   *
   * @return the UTF-8 bytes
   */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /**
   * Writes the output to a stream.
   *
   * @param out the stream
   * @throws IOException if the stream fails
   */
  public void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, len);
  }

  /** The output as a string. */
  @Override
  public String toString() {
    if (!mayHoldHigh) {
      return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
    }
    // Text within Latin-1 (the common case) decodes here, eight ASCII bytes at a time, faster
    // than the general UTF-8 decoder, which takes it over at the first character beyond.
    if (latin1.length < len) {
      latin1 = new byte[Math.max(len, 2 * latin1.length)];
    }
    int i = 0;
    int o = 0;
    while (i < len) {
      long x;
      if (i <= len - 8 && ((x = (long) LONGS.get(buf, i)) & HIGHS) == 0) {
        LONGS.set(latin1, o, x);
        i += 8;
        o += 8;
        continue;
      }
      byte b = buf[i];
      if (b >= 0) {
        latin1[o++] = b;
        i++;
      } else if ((b & 0xFE) == 0xC2 && i + 1 < len && (buf[i + 1] & 0xC0) == 0x80) {
        latin1[o++] = (byte) (((b & 0x03) << 6) | (buf[i + 1] & 0x3F));
        i += 2;
      } else {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
      }
    }
    return new String(latin1, 0, o, StandardCharsets.ISO_8859_1);
  }

  private byte[] latin1 = new byte[0];

  private void open() {
    if (depth == DEPTH_MAX) {
      throw new IllegalStateException("more than " + DEPTH_MAX + " nested containers");
    }
    depth++;
    nonEmpty &= ~(1L << depth);
  }

  private void close(byte bracket) {
    boolean hadMembers = (nonEmpty & (1L << depth)) != 0;
    depth--;
    if (pretty && hadMembers) {
      newline();
    }
    put(bracket);
  }

  private void beforeValue() {
    if (afterKey) {
      afterKey = false;
      return;
    }
    if (depth == 0) {
      return;
    }
    long bit = 1L << depth;
    if ((nonEmpty & bit) != 0) {
      put((byte) ',');
    }
    nonEmpty |= bit;
    if (pretty) {
      newline();
    }
  }

  private void newline() {
    ensure(1 + 2 * depth);
    buf[len++] = '\n';
    Arrays.fill(buf, len, len + 2 * depth, (byte) ' ');
    len += 2 * depth;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Tells whether eight bytes hold one that needs escaping: below 0x20, a quote or a backslash.
   * Each SWAR term is exact as to whether some byte matches; bytes of 0x80 and above never do.
   */
  private static boolean needsEscape(long x) {
    return (escapeFlags(x) & HIGHS) != 0;
  }

  /** The flags of {@link #needsEscape}: the high bit of a byte is set only at or above a match. */
  private static long escapeFlags(long x) {
    long q = x ^ (ONES * '"');
    long bs = x ^ (ONES * '\\');
    return ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((bs - ONES) & ~bs);
  }

  private void quoted(byte[] s, int off, int n) {
    ensure(n + 2);
    int end = off + n;
    int i = off;
    // The OR of the bytes scanned, for the ASCII flag; the escape path sets the flag instead.
    long seen = 0;
    while (i <= end - 8) {
      long x = (long) LONGS.get(s, i);
      if (needsEscape(x)) {
        break;
      }
      seen |= x;
      i += 8;
    }
    // The last 1–7 bytes as one word when the array has 8 bytes there: a flag can only come from a
    // matching byte at or below it, so the masked low bytes are exact.
    if (i < end && end - i < 8 && i <= s.length - 8) {
      long low = ByteWords.lowBytes(end - i);
      long x = (long) LONGS.get(s, i);
      if ((escapeFlags(x) & HIGHS & low) == 0) {
        seen |= x & low;
        i = end;
      }
    }
    if (i != end) {
      quotedWithEscapes(s, off, n, i);
      return;
    }
    // Nothing to escape: the room ensured above holds both quotes and the bytes.
    byte[] b = buf;
    int at = len;
    b[at] = '"';
    System.arraycopy(s, off, b, at + 1, n);
    b[at + 1 + n] = '"';
    len = at + n + 2;
    if ((seen & HIGHS) != 0) {
      mayHoldHigh = true;
    }
  }

  /** The rest of {@link #quoted} from byte {@code i}, the first word that may need escaping. */
  private void quotedWithEscapes(byte[] s, int off, int n, int i) {
    mayHoldHigh = true;
    int end = off + n;
    buf[len++] = '"';
    copy(s, off, i - off);
    int runStart = i;
    for (; i < end; i++) {
      int b = s[i] & 0xFF;
      if (b >= 0x20 && b != '"' && b != '\\') {
        continue;
      }
      copy(s, runStart, i - runStart);
      runStart = i + 1;
      escape(b);
    }
    copy(s, runStart, end - runStart);
    put((byte) '"');
  }

  private void escape(int b) {
    ensure(6);
    buf[len++] = '\\';
    switch (b) {
      case '"' -> buf[len++] = '"';
      case '\\' -> buf[len++] = '\\';
      case '\b' -> buf[len++] = 'b';
      case '\f' -> buf[len++] = 'f';
      case '\n' -> buf[len++] = 'n';
      case '\r' -> buf[len++] = 'r';
      case '\t' -> buf[len++] = 't';
      default -> {
        buf[len++] = 'u';
        buf[len++] = '0';
        buf[len++] = '0';
        buf[len++] = HEX[b >> 4];
        buf[len++] = HEX[b & 0xF];
      }
    }
  }

  private void copy(byte[] s, int off, int n) {
    ensure(n);
    System.arraycopy(s, off, buf, len, n);
    len += n;
  }

  private void raw(byte[] bytes) {
    copy(bytes, 0, bytes.length);
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + extra, buf.length * 2));
    }
  }
}
