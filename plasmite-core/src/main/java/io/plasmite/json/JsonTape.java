package io.plasmite.json;

import static io.plasmite.json.ByteWords.HIGHS;
import static io.plasmite.json.ByteWords.ONES;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed JSON document as a flat array of tokens, in document order, duplicates kept.
 *
 * <p>Parsing is strict RFC 8259 as the reference reader applies it ({@code json.md} §1): no
 * comments, no trailing commas, no NaN, no BOM, no raw NUL byte, no trailing content, no lone
 * surrogate, valid UTF-8 only. Numbers are classified from their literal: integers in {@code
 * [-2^63, 2^63-1]} stay integers, {@code -0} and every other number become doubles (correctly
 * rounded), and a number that rounds to infinity is refused.
 *
 * <p>Token {@code i} has a {@link #kind(int)}. Containers know the index just past their last token
 * ({@link #end(int)}) and their member count ({@link #count(int)}); an object's members are a
 * {@link #KEY} token followed by the value's tokens. Strings and keys are UTF-8 ranges of {@link
 * #bytes()}. Tokenizing uses Jackson's streaming parser.
 *
 * <p>A tape is reusable and not thread-safe.
 */
public final class JsonTape {
  /** Kind of an object token. */
  public static final byte OBJECT = 1;

  /** Kind of an array token. */
  public static final byte ARRAY = 2;

  /** Kind of a member name token. */
  public static final byte KEY = 3;

  /** Kind of a string token. */
  public static final byte STRING = 4;

  /** Kind of an integer token. */
  public static final byte I64 = 5;

  /** Kind of a double token. */
  public static final byte F64 = 6;

  /** Kind of a {@code true} token. */
  public static final byte TRUE = 7;

  /** Kind of a {@code false} token. */
  public static final byte FALSE = 8;

  /** Kind of a {@code null} token. */
  public static final byte NULL = 9;

  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Canonicalised names avoid a String per member; interning would grow the JVM's pool.
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          // Our own depth limit is far lower; lengths are bounded by the caller's size limits.
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .build())
          .build();

  private byte[] kinds = new byte[64];
  private int[] a = new int[64];
  private int[] b = new int[64];
  private long[] num = new long[64];
  private boolean keyNul;
  private ExpectedKeys expected;
  // Texts given as a String to send to the UTF-8 path without trying their Latin-1 copy.
  private int latin1Skips;
  private static final int LATIN1_SKIPS = 16;
  private int expectedFound;
  private byte[] bytes = new byte[256];
  private int size;
  private int bytesLen;
  private int[] stack = new int[16];
  private final JsonTapeScanner scanner = new JsonTapeScanner(this);

  /** Creates an empty tape. */
  public JsonTape() {}

  /**
   * Parses UTF-8 JSON text.
   *
   * @param json the text
   * @param off first byte
   * @param len number of bytes
   * @param maxDepth most nested containers allowed, counting the root
   * @throws PlasmiteException of kind Usage if the text is not acceptable JSON
   */
  public void parse(byte[] json, int off, int len, int maxDepth) {
    if (len >= 3
        && (json[off] & 0xFF) == 0xEF
        && (json[off + 1] & 0xFF) == 0xBB
        && (json[off + 2] & 0xFF) == 0xBF) {
      throw usage("invalid JSON: a byte order mark is not allowed").withOffset(0);
    }
    if (scanner.scan(json, off, len, maxDepth)) {
      return;
    }
    // Not the common case: check the bytes as a whole, then let Jackson decide.
    int scan = scanNulAndNonAscii(json, off, len);
    if (scan == NUL_FOUND) {
      int i = off;
      while (json[i] != 0) {
        i++;
      }
      throw usage("invalid JSON: contains a NUL byte at offset " + (i - off))
          .withOffset(i - off)
          .withHint("escape it as \\u0000 inside a string");
    }
    if (scan == NON_ASCII) {
      int bad = Utf8.firstInvalid(json, off, len);
      if (bad >= 0) {
        throw usage("invalid JSON: malformed UTF-8 at byte offset " + (bad - off))
            .withOffset(bad - off);
      }
    }
    parseWithJackson(json, off, len, maxDepth);
  }

  /** Parses UTF-8 already known to be valid, without a BOM and without NUL bytes. */
  private void parseValidUtf8(byte[] json, int off, int len, int maxDepth) {
    if (!scanner.scan(json, off, len, maxDepth)) {
      // Errors and rare forms: Jackson decides, and words the error.
      parseWithJackson(json, off, len, maxDepth);
    }
  }

  /** The fast path alone, for tests: true if it filled the tape. */
  boolean scanOnly(byte[] json, int off, int len, int maxDepth) {
    return scanner.scan(json, off, len, maxDepth);
  }

  /** The Jackson path alone, on UTF-8 already checked as {@link #parse(byte[], int, int, int)}. */
  void parseWithJackson(byte[] json, int off, int len, int maxDepth) {
    try (JsonParser p = FACTORY.createParser(json, off, len)) {
      read(p, maxDepth);
    } catch (JsonProcessingException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "reading JSON from memory failed", e);
    }
  }

  private static final int ASCII_ONLY = 0;
  private static final int NON_ASCII = 1;
  private static final int NUL_FOUND = 2;
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** One pass, eight bytes at a time: is there a NUL byte, else a byte at or above 0x80? */
  private static int scanNulAndNonAscii(byte[] buf, int off, int len) {
    long high = 0;
    int i = off;
    int end = off + len;
    for (; i <= end - 8; i += 8) {
      long x = (long) LITTLE_ENDIAN_LONGS.get(buf, i);
      high |= x;
      // Some byte of x is zero iff this is non-zero (the classic SWAR test, exact).
      if (((x - ONES) & ~x & HIGHS) != 0) {
        return NUL_FOUND;
      }
    }
    for (; i < end; i++) {
      byte c = buf[i];
      if (c == 0) {
        return NUL_FOUND;
      }
      high |= c;
    }
    return (high & HIGHS) != 0 ? NON_ASCII : ASCII_ONLY;
  }

  /**
   * Parses JSON text.
   *
   * @param json the text
   * @param maxDepth most nested containers allowed, counting the root
   * @throws PlasmiteException of kind Usage if the text is not acceptable JSON
   */
  public void parse(String json, int maxDepth) {
    if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
      throw usage("invalid JSON: a byte order mark is not allowed").withOffset(0);
    }
    // Most text is within Latin-1: its one-byte copy is scanned, and only strings holding a
    // character above ASCII are written out as UTF-8. Text beyond Latin-1 tends to come again, so
    // after it the next few texts go to the UTF-8 path at once.
    if (latin1Skips > 0) {
      latin1Skips--;
    } else {
      if (scanner.scanLatin1(json.getBytes(StandardCharsets.ISO_8859_1), json, maxDepth)) {
        return;
      }
      if (scanner.stoppedBeyondLatin1()) {
        latin1Skips = LATIN1_SKIPS;
      }
    }
    int nul = json.indexOf('\0');
    if (nul >= 0) {
      throw usage("invalid JSON: contains a NUL character at offset " + nul)
          .withOffset(nul)
          .withHint("escape it as \\u0000 inside a string");
    }
    // Jackson's byte parser is faster than its char parser; strict JSON is the same either way.
    // A lone surrogate is left to the char parser to report.
    byte[] utf8 = Utf8.encode(json);
    PlasmiteException refused = null;
    if (utf8 != null) {
      try {
        parseValidUtf8(utf8, 0, utf8.length, maxDepth);
        return;
      } catch (PlasmiteException e) {
        refused = e;
      }
    }
    // Parsed again to report the error in characters, as the text was given. The char parser
    // takes a non-ASCII character whose low byte is a hex digit as one in a \\u escape, so what it
    // accepts after the byte parser refused it stays refused.
    try (JsonParser p = FACTORY.createParser(json)) {
      read(p, maxDepth);
    } catch (JsonProcessingException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "reading JSON from memory failed", e);
    }
    if (refused != null) {
      throw refused;
    }
  }

  /**
   * Number of tokens.
   *
   * @return the count
   */
  public int size() {
    return size;
  }

  /**
   * Kind of token {@code i}.
   *
   * @param i token index
   * @return one of the kind constants
   */
  public byte kind(int i) {
    return kinds[i];
  }

  /**
   * For a container: the index just past its last token.
   *
   * @param i token index of an object or array
   * @return the end index
   */
  public int end(int i) {
    return a[i];
  }

  /**
   * For a container: members (objects) or elements (arrays), duplicates included.
   *
   * @param i token index of an object or array
   * @return the count
   */
  public int count(int i) {
    return b[i];
  }

  /**
   * For a string or key: the first byte of its UTF-8 text in {@link #bytes()}.
   *
   * @param i token index
   * @return byte offset
   */
  public int textOffset(int i) {
    return a[i];
  }

  /**
   * For a string or key: the length of its UTF-8 text.
   *
   * @param i token index
   * @return byte count
   */
  public int textLength(int i) {
    return b[i];
  }

  /**
   * The UTF-8 text of all strings and keys.
   *
   * @return the shared buffer, not a copy
   */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * For a key: its first 8 UTF-8 bytes as a big-endian number, zero-padded. Keys whose prefixes
   * differ compare (unsigned, by bytes) as their prefixes do; equal prefixes say nothing.
   *
   * @param i token index of a key
   * @return the prefix
   */
  public long keyPrefix(int i) {
    return num[i];
  }

  /**
   * For a key: the DJB2 hash of its UTF-8 bytes ({@code h = 5381}, then {@code h = h * 33 + b} for
   * each unsigned byte, mod 2^32), the hash Lite3 files keys under.
   *
   * @param i token index of a key
   * @return the hash
   */
  public int keyHash(int i) {
    // Computed when asked: a document written from a remembered layout never asks.
    int n = b[i];
    return n <= 8 ? shortKeyHash(num[i], n) : djb2(bytes, a[i], n);
  }

  /**
   * The keys of a document, to expect in the documents parsed after it: a stream's messages tend to
   * share their keys, in the same places. Immutable.
   */
  public static final class ExpectedKeys {
    // By token index: the key's length (-1: no key expected there), its text followed by the
    // closing quote (as one masked word when that fits eight bytes), and its prefix.
    final int[] lengths;
    final long[] words;
    final long[] masks;
    final int[] offsets;
    final byte[] text;
    final long[] prefixes;
    // How many keys are expected, and whether that is every key of the document.
    final int count;
    final boolean complete;

    private ExpectedKeys(
        int[] lengths,
        long[] words,
        long[] masks,
        int[] offsets,
        byte[] text,
        long[] prefixes,
        int count,
        boolean complete) {
      this.lengths = lengths;
      this.words = words;
      this.masks = masks;
      this.offsets = offsets;
      this.text = text;
      this.prefixes = prefixes;
      this.count = count;
      this.complete = complete;
    }

    /** Tells whether {@code in} holds key {@code token} and its closing quote from {@code pos}. */
    boolean at(byte[] in, int pos, int end, int token) {
      int n = lengths[token] + 1;
      if (pos + n > end) {
        return false;
      }
      if (n <= 8 && pos <= in.length - 8) {
        return (((long) LITTLE_ENDIAN_LONGS.get(in, pos) ^ words[token]) & masks[token]) == 0;
      }
      int off = offsets[token];
      return Arrays.equals(in, pos, pos + n, text, off, off + n);
    }
  }

  /**
   * The keys of the document just parsed, to {@linkplain #expect expect} later. Only keys that need
   * no escaping are kept: the raw bytes of an expected key are then exactly its text.
   *
   * @return the keys
   */
  public ExpectedKeys expectedKeys() {
    int[] lengths = new int[size];
    long[] words = new long[size];
    long[] masks = new long[size];
    int[] offsets = new int[size];
    long[] prefixes = new long[size];
    int textBytes = 0;
    int keys = 0;
    int plain = 0;
    for (int i = 0; i < size; i++) {
      lengths[i] = -1;
      if (kinds[i] == KEY) {
        keys++;
        if (plainKey(i)) {
          plain++;
          textBytes += b[i] + 1;
        }
      }
    }
    byte[] text = new byte[textBytes];
    int t = 0;
    for (int i = 0; i < size; i++) {
      if (kinds[i] != KEY || !plainKey(i)) {
        continue;
      }
      int n = b[i];
      System.arraycopy(bytes, a[i], text, t, n);
      text[t + n] = '"';
      lengths[i] = n;
      offsets[i] = t;
      prefixes[i] = num[i];
      if (n + 1 <= 8) {
        long word = 0;
        for (int j = n; j >= 0; j--) {
          word = word << 8 | (text[t + j] & 0xFF);
        }
        words[i] = word;
        masks[i] = n + 1 == 8 ? -1L : ByteWords.lowBytes(n + 1);
      }
      t += n + 1;
    }
    return new ExpectedKeys(lengths, words, masks, offsets, text, prefixes, plain, plain == keys);
  }

  /**
   * A key whose raw JSON is its text in UTF-8 and in Latin-1 alike: printable ASCII without quote
   * or backslash, and without '?', which a Latin-1 copy of a string also holds for a character
   * beyond Latin-1.
   */
  private boolean plainKey(int i) {
    for (int j = a[i], e = a[i] + b[i]; j < e; j++) {
      byte c = bytes[j];
      if (c == '"' || c == '\\' || c == '?' || c < 0x20) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sets the keys to expect in the documents parsed next. A key found where it is expected is taken
   * without scanning it; any other is scanned as usual, so the result never depends on this.
   *
   * @param keys the keys of an earlier document, or null for none
   */
  public void expect(ExpectedKeys keys) {
    expected = keys;
  }

  /** The keys expected, or null. */
  ExpectedKeys expected() {
    return expected;
  }

  /**
   * Tells whether every key of the last document was found where {@code keys} expected it, and
   * those were all its keys: then a document with the same token kinds has exactly those keys.
   *
   * @param keys the keys the document was parsed expecting
   * @return true if each of them was found, and no other key was read
   */
  public boolean foundAll(ExpectedKeys keys) {
    return expected == keys && keys.complete && expectedFound == keys.count;
  }

  /**
   * Bytes of text held for strings and keys: at least the sum of their lengths.
   *
   * @return the bytes used in {@link #bytes()}
   */
  public int textBytes() {
    return bytesLen;
  }

  /**
   * Tells whether the tokens have exactly these kinds, in order.
   *
   * @param expected a kind for each token
   * @return true if the tape has {@code expected.length} tokens of those kinds
   */
  public boolean hasKinds(byte[] expected) {
    return size == expected.length && Arrays.equals(kinds, 0, size, expected, 0, size);
  }

  /**
   * Tells whether some key of the document holds a NUL character (written as {@code \\u0000}).
   *
   * @return true if a key holds a 0 byte
   */
  public boolean keysHoldNul() {
    return keyNul;
  }

  /**
   * For an integer token: its value.
   *
   * @param i token index
   * @return the value
   */
  public long longValue(int i) {
    return num[i];
  }

  /**
   * For a double token: its value.
   *
   * @param i token index
   * @return the value
   */
  public double doubleValue(int i) {
    return Double.longBitsToDouble(num[i]);
  }

  /**
   * Index of the token after the value starting at {@code i}.
   *
   * @param i token index of a value
   * @return the next sibling's index
   */
  public int next(int i) {
    byte k = kinds[i];
    return k == OBJECT || k == ARRAY ? a[i] : i + 1;
  }

  /** Empties the tape. */
  void clear() {
    size = 0;
    expectedFound = 0;
    bytesLen = 0;
    keyNul = false;
  }

  /** Counts one more member or element of container {@code at}. */
  void countMember(int at) {
    b[at]++;
  }

  /** Adds an empty container token; {@link #closeContainer} sets its end. */
  int addContainer(byte kind) {
    int at = add(kind);
    b[at] = 0;
    return at;
  }

  /** Ends container {@code at} after the last token added. */
  void closeContainer(int at) {
    a[at] = size;
  }

  /** Adds a {@link #TRUE}, {@link #FALSE} or {@link #NULL} token. */
  void addScalar(byte kind) {
    add(kind);
  }

  /** Adds an {@link #I64} or {@link #F64} token with its bits. */
  void addNumber(byte kind, long bits) {
    setNum(kind, bits);
  }

  /** Makes room for {@code n} more text bytes; returns where they go in {@link #bytes()}. */
  int reserveText(int n) {
    if (bytes.length - bytesLen < n) {
      growBytes(n);
    }
    return bytesLen;
  }

  /**
   * Appends a copy of {@code len} input bytes to the text, for tokens that point into it.
   *
   * @return where the copy starts in {@link #bytes()}
   */
  int copyIn(byte[] input, int off, int len) {
    int at = reserveText(len);
    System.arraycopy(input, off, bytes, at, len);
    bytesLen = at + len;
    return at;
  }

  /**
   * Adds a string or key token whose text is in {@link #bytes()}: written at a reserved offset, or
   * inside a {@link #copyIn}.
   */
  void addText(byte kind, int textOff, int n) {
    int at = add(kind);
    a[at] = textOff;
    b[at] = n;
    bytesLen = Math.max(bytesLen, textOff + n);
    if (kind == KEY) {
      num[at] = ByteWords.prefix(bytes, textOff, n);
    } else {
      num[at] = 0;
    }
  }

  /** Adds an expected key found in place: text inside a {@link #copyIn}, prefix known. */
  void addKey(int textOff, int n, long prefix) {
    expectedFound++;
    int at = add(KEY);
    a[at] = textOff;
    b[at] = n;
    num[at] = prefix;
  }

  /** Records that a key holds a NUL character. */
  void noteKeyNul() {
    keyNul = true;
  }

  private void read(JsonParser p, int maxDepth) throws IOException {
    clear();
    int depth = 0;
    JsonToken t = p.nextToken();
    if (t == null) {
      throw usage("invalid JSON: empty input").withHint("pass one JSON object");
    }
    do {
      int parent = depth == 0 ? -1 : stack[depth - 1];
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (depth >= maxDepth) {
            throw usage("JSON nests deeper than " + maxDepth + " levels")
                .withHint("flatten the data");
          }
          countIn(parent);
          int at = add(t == JsonToken.START_OBJECT ? OBJECT : ARRAY);
          b[at] = 0;
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          stack[depth++] = at;
        }
        case END_OBJECT, END_ARRAY -> {
          a[stack[--depth]] = size;
        }
        case FIELD_NAME -> {
          b[parent]++;
          addKey(p);
        }
        case VALUE_STRING -> {
          countIn(parent);
          addText(STRING, p);
        }
        case VALUE_NUMBER_INT -> {
          countIn(parent);
          addInteger(p);
        }
        case VALUE_NUMBER_FLOAT -> {
          countIn(parent);
          double d = p.getDoubleValue();
          if (!Double.isFinite(d)) {
            throw outOfRange(p);
          }
          setNum(F64, Double.doubleToRawLongBits(d));
        }
        case VALUE_TRUE -> {
          countIn(parent);
          add(TRUE);
        }
        case VALUE_FALSE -> {
          countIn(parent);
          add(FALSE);
        }
        case VALUE_NULL -> {
          countIn(parent);
          add(NULL);
        }
        default -> throw PlasmiteException.of(ErrorKind.INTERNAL, "unexpected JSON token " + t);
      }
    } while (depth > 0 && (t = p.nextToken()) != null);
    if (p.nextToken() != null) {
      JsonLocation at = p.currentTokenLocation();
      throw usage(
          "invalid JSON: trailing content after the value at line "
              + at.getLineNr()
              + ", column "
              + at.getColumnNr());
    }
  }

  private void countIn(int parent) {
    // Object members are counted at their key; array elements at the value.
    if (parent >= 0 && kinds[parent] == ARRAY) {
      b[parent]++;
    }
  }

  private void addInteger(JsonParser p) throws IOException {
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.BIG_INTEGER) {
      long v = p.getLongValue();
      if (v == 0 && p.getTextLength() == 2 && p.getTextCharacters()[p.getTextOffset()] == '-') {
        setNum(F64, Double.doubleToRawLongBits(-0.0));
      } else {
        setNum(I64, v);
      }
      return;
    }
    String text = p.getText();
    double d;
    if (text.charAt(0) != '-') {
      BigInteger v = new BigInteger(text);
      // Above 2^63-1: up to 2^64-1 rounds to nearest even, beyond that parses as a decimal.
      d = v.compareTo(U64_MAX) <= 0 ? v.doubleValue() : Double.parseDouble(text);
    } else {
      d = Double.parseDouble(text);
    }
    if (!Double.isFinite(d)) {
      throw outOfRange(p);
    }
    setNum(F64, Double.doubleToRawLongBits(d));
  }

  private void addText(byte kind, JsonParser p) throws IOException {
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    int n = p.getTextLength();
    if (bytes.length - bytesLen < 3 * n) {
      growBytes(3 * n);
    }
    int written = Utf8.encode(chars, off, n, bytes, bytesLen);
    if (written < 0) {
      throw loneSurrogate(p);
    }
    int at = add(kind);
    a[at] = bytesLen;
    b[at] = written;
    num[at] = 0;
    bytesLen += written;
  }

  /**
   * A member name. Jackson hands out the same canonical String for a name it has seen before, so
   * the UTF-8 bytes and sort prefix of recent names are kept, looked up by the name's hash.
   */
  private void addKey(JsonParser p) throws IOException {
    String name = p.currentName();
    int slot = name.hashCode() & (KEY_CACHE_SIZE - 1);
    String cached = keyCacheNames[slot];
    byte[] utf8;
    long prefix;
    if (cached == name || name.equals(cached)) {
      utf8 = keyCacheUtf8[slot];
      prefix = keyCachePrefix[slot];
      keyNul |= keyCacheNul[slot];
    } else {
      utf8 = Utf8.encode(name);
      if (utf8 == null) {
        throw loneSurrogate(p);
      }
      prefix = ByteWords.prefix(utf8, 0, utf8.length);
      if (utf8.length <= KEY_CACHE_MAX_BYTES) {
        keyCacheNames[slot] = name;
        keyCacheUtf8[slot] = utf8;
        keyCachePrefix[slot] = prefix;
        keyCacheNul[slot] = name.indexOf('\0') >= 0;
      }
      keyNul |= name.indexOf('\0') >= 0;
    }
    int n = utf8.length;
    if (bytes.length - bytesLen < n) {
      growBytes(n);
    }
    System.arraycopy(utf8, 0, bytes, bytesLen, n);
    int at = add(KEY);
    a[at] = bytesLen;
    b[at] = n;
    num[at] = prefix;
    bytesLen += n;
  }

  /**
   * DJB2 of {@code n} bytes, four bytes a step: {@code h*33^4 + b0*33^3 + b1*33^2 + b2*33 + b3}
   * equals four single steps (mod 2^32) with a shorter chain of dependent multiplications.
   */
  static int djb2(byte[] buf, int off, int n) {
    int h = DJB2_SEED;
    int i = off;
    for (int e = off + n - 3; i < e; i += 4) {
      h =
          h * 1185921
              + (buf[i] & 0xFF) * 35937
              + (buf[i + 1] & 0xFF) * 1089
              + (buf[i + 2] & 0xFF) * 33
              + (buf[i + 3] & 0xFF);
    }
    for (int e = off + n; i < e; i++) {
      h = h * 33 + (buf[i] & 0xFF);
    }
    return h;
  }

  private static final int KEY_CACHE_SIZE = 256;
  private static final int KEY_CACHE_MAX_BYTES = 64;
  private final String[] keyCacheNames = new String[KEY_CACHE_SIZE];
  private final byte[][] keyCacheUtf8 = new byte[KEY_CACHE_SIZE][];
  private final long[] keyCachePrefix = new long[KEY_CACHE_SIZE];
  private final boolean[] keyCacheNul = new boolean[KEY_CACHE_SIZE];
  private static final int DJB2_SEED = 5381;

  private static final int SHORT_KEY_SLOTS = 64;
  private final long[] shortKeyPrefix = new long[SHORT_KEY_SLOTS];
  private final int[] shortKeyLength = new int[SHORT_KEY_SLOTS];
  private final int[] shortKeyHash = new int[SHORT_KEY_SLOTS];

  /**
   * DJB2 of a key of at most 8 bytes, which its prefix and length determine: the keys of a stream's
   * messages repeat, so recent ones are remembered by (prefix, length).
   */
  private int shortKeyHash(long prefix, int n) {
    long mixed = (prefix + n) * 0x9E3779B97F4A7C15L;
    int slot = (int) (mixed >>> 58);
    if (shortKeyPrefix[slot] == prefix && shortKeyLength[slot] == n + 1) {
      return shortKeyHash[slot];
    }
    int h = DJB2_SEED;
    for (int i = 0; i < n; i++) {
      h = h * 33 + (int) ((prefix >>> (56 - 8 * i)) & 0xFF);
    }
    shortKeyPrefix[slot] = prefix;
    shortKeyLength[slot] = n + 1; // 0 marks an empty slot
    shortKeyHash[slot] = h;
    return h;
  }

  private void growBytes(int extra) {
    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, bytesLen + extra));
  }

  private static PlasmiteException loneSurrogate(JsonParser p) {
    JsonLocation at = p.currentTokenLocation();
    return usage(
        "invalid JSON: lone surrogate in a string at line "
            + at.getLineNr()
            + ", column "
            + at.getColumnNr());
  }

  private void setNum(byte kind, long value) {
    // Grow first: num may be replaced by add().
    int at = add(kind);
    num[at] = value;
  }

  private int add(byte kind) {
    if (size == kinds.length) {
      int n = size * 2;
      kinds = Arrays.copyOf(kinds, n);
      a = Arrays.copyOf(a, n);
      b = Arrays.copyOf(b, n);
      num = Arrays.copyOf(num, n);
    }
    kinds[size] = kind;
    return size++;
  }

  private static PlasmiteException outOfRange(JsonParser p) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    return usage(
        "number out of range: "
            + abbreviate(p.getText())
            + " at line "
            + at.getLineNr()
            + ", column "
            + at.getColumnNr());
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static PlasmiteException syntax(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String what = plain(e.getOriginalMessage());
    PlasmiteException error = usage("invalid JSON" + where + ": " + what);
    if (at != null && at.getByteOffset() >= 0) {
      error = error.withOffset(at.getByteOffset());
    } else if (at != null && at.getCharOffset() >= 0) {
      error = error.withOffset(at.getCharOffset());
    }
    return error;
  }

  /** Jackson's message without its advice on parser settings, which mean nothing to our users. */
  private static String plain(String jackson) {
    String what = jackson;
    int nl = what.indexOf('\n');
    if (nl >= 0) {
      what = what.substring(0, nl);
    }
    return what.replaceAll(":? ?enable `[^`]*` to allow", "")
        .replaceAll(
            " \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)", "")
        .replaceAll("Source: [^;\\]]*\\); ", "")
        .replaceAll(
            "JSON spec does not allow numbers to have plus signs", "a number may not start with +")
        .strip();
  }

  private static PlasmiteException usage(String message) {
    return PlasmiteException.of(ErrorKind.USAGE, message);
  }
}
