package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Writer;
import io.plasmite.lite3.RandomJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast scanner against the Jackson path: whatever the scanner accepts, Jackson accepts too,
 * into an identical tape; and the common documents do take the fast path.
 */
class JsonTapeScannerTest {
  private static final int DEPTH = 31;
  private static final String MUTATIONS = "{}[]\",:0123456789-+.eE \t\n\r\\u/tfnalsrx\u00e9";

  private final JsonTape fast = new JsonTape();
  private final JsonTape slow = new JsonTape();

  @Test
  void randomDocumentsTakeTheFastPathAndAgreeWithJackson() {
    SplittableRandom rng = new SplittableRandom(0x5CA11E5L);
    RandomJson gen = new RandomJson(rng);
    int scanned = 0;
    int total = 3000;
    for (int i = 0; i < total; i++) {
      byte[] json = gen.randomDataText(rng.nextBoolean()).getBytes(StandardCharsets.UTF_8);
      if (compare(json, "document " + i)) {
        scanned++;
      }
    }
    // Only integers of 19+ digits and the like go to Jackson; random numbers hold some.
    assertTrue(scanned > total * 8 / 10, "fast path took " + scanned + " of " + total);
  }

  @Test
  void keyHashesAreDjb2OfTheKeyBytesWhenRemembered() {
    // Keys of up to 8 bytes are remembered by prefix and length: the empty key, keys that differ
    // only by a trailing NUL or by length, and the 8/9-byte boundary must not share a hash.
    String[] keys = {
      "", "\\u0000", "a", "a\\u0000", "ab", "abcdefgh", "abcdefghi", "zz", "\\u00e9t\\u00e9"
    };
    for (int round = 0; round < 3; round++) {
      for (String key : keys) {
        byte[] json = ("{\"" + key + "\":1}").getBytes(StandardCharsets.UTF_8);
        fast.parse(json, 0, json.length, DEPTH);
        assertEquals(JsonTape.KEY, fast.kind(1), key);
        byte[] utf8 = text(fast, 1);
        assertEquals(Lite3Writer.djb2(utf8, 0, utf8.length), fast.keyHash(1), key);
      }
    }
  }

  @Test
  void mutatedDocumentsAreNeverAcceptedWhereJacksonRefuses() {
    SplittableRandom rng = new SplittableRandom(0xB17F11BL);
    RandomJson gen = new RandomJson(rng);
    int refused = 0;
    for (int i = 0; i < 1500; i++) {
      String text = gen.randomDataText(false);
      for (int m = 0; m < 12; m++) {
        String mutated = mutate(text, rng);
        byte[] json = mutated.getBytes(StandardCharsets.UTF_8);
        if (Utf8.firstInvalid(json, 0, json.length) >= 0 || mutated.indexOf('\0') >= 0) {
          continue;
        }
        if (!compare(json, "mutation " + i + "/" + m + ": " + mutated)) {
          refused++;
        }
      }
    }
    assertTrue(refused > 1000, "mutations refused by the fast path: " + refused);
  }

  @Test
  void expectedKeysNeverChangeWhatIsAcceptedOrHowItIsRead() {
    // The scanner takes a key found where an earlier document had it without scanning it: mutated
    // copies (keys cut, lengthened, escaped, quotes moved) must still agree with Jackson.
    SplittableRandom rng = new SplittableRandom(0xE4BEC7L);
    RandomJson gen = new RandomJson(rng);
    for (int i = 0; i < 1500; i++) {
      String text = gen.randomDataText(rng.nextBoolean());
      byte[] original = text.getBytes(StandardCharsets.UTF_8);
      fast.expect(null);
      if (!compare(original, "original " + i)) {
        continue;
      }
      fast.expect(fast.expectedKeys());
      compare(original, "original again " + i);
      for (int m = 0; m < 12; m++) {
        String mutated = mutate(text, rng);
        byte[] json = mutated.getBytes(StandardCharsets.UTF_8);
        if (Utf8.firstInvalid(json, 0, json.length) >= 0 || mutated.indexOf('\0') >= 0) {
          continue;
        }
        compare(json, "mutation " + i + "/" + m + ": " + mutated);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"ab\":1,\"key_longer_than_8\":2}",
        "{\"abc\":1,\"key_longer_than_8\":2}",
        "{\"a\":1,\"key_longer_than_8\":2}",
        "{\"ab\":1,\"key_longer_than_9\":2}",
        "{\"ab\":1,\"key_longer_than_8x\":2}",
        "{\"a\\u0062\":1,\"key_longer_than_8\":2}",
        "{\"ab\\\"\":1,\"key_longer_than_8\":2}",
        "{\"ab\"",
        "{\"ab",
        "{\"ab\":1,\"key_longer_than_8",
        "{\"ab\":1,\"key_longer_than_8\"",
        "[\"ab\",\"key_longer_than_8\"]",
        "{\"x\":{\"ab\":1},\"key_longer_than_8\":2}",
      })
  void keysNearTheExpectedOnesAreReadAsWithoutExpectations(String text) {
    byte[] first = "{\"ab\":1,\"key_longer_than_8\":2}".getBytes(StandardCharsets.UTF_8);
    assertTrue(fast.scanOnly(first, 0, first.length, DEPTH));
    fast.expect(fast.expectedKeys());
    byte[] json = text.getBytes(StandardCharsets.UTF_8);
    compare(json, text);
    byte[] padded = Arrays.copyOf(json, json.length + 16);
    assertEquals(
        fast.scanOnly(json, 0, json.length, DEPTH),
        fast.scanOnly(padded, 0, json.length, DEPTH),
        text);
  }

  @Test
  void textGivenAsAStringReadsAsItsUtf8Bytes() {
    // A String is read through its UTF-8 (within Latin-1, a widened copy of its bytes), and its
    // errors are worded by a char parser: the same text as bytes gives the same tape, or both are
    // refused.
    SplittableRandom rng = new SplittableRandom(0x57121AL);
    RandomJson gen = new RandomJson(rng);
    String[] extra = {"é", "ÿ", "\u0080", "?", "€", "😀", "\ud800", "\u0000", "\ufeff"};
    for (int i = 0; i < 1500; i++) {
      String text = gen.randomDataText(rng.nextBoolean());
      for (int m = 0; m < 6; m++) {
        String variant = m == 0 ? text : mutate(text, rng);
        if (m >= 3) {
          int at = rng.nextInt(variant.length() + 1);
          variant =
              variant.substring(0, at) + extra[rng.nextInt(extra.length)] + variant.substring(at);
        }
        checkStringAgainstBytes(variant, "document " + i + "/" + m + ": " + variant);
      }
    }
  }

  @Test
  void aCharacterBeyondAsciiInAUnicodeEscapeIsRefusedInAString() {
    // U+0666 and U+CB36 end in the bytes of 'f' and '6': they are still no hex digits.
    for (String text : new String[] {"{\"a\":\"\\u006\u0666\"}", "{\"a\":\"\\u060\ucb36\"}"}) {
      assertThrows(PlasmiteException.class, () -> fast.parse(text, DEPTH), text);
    }
  }

  @Test
  void aStringsLatin1BytesAreNeverTakenForOtherKeysOrText() {
    // The Latin-1 bytes of "Ã©" are the UTF-8 of "é", and getBytes writes '?' for "€": a key
    // expected from one document must not be found in the Latin-1 copy of the other.
    String[][] pairs = {
      {"{\"é\":1,\"b\":2}", "{\"Ã©\":1,\"b\":2}"},
      {"{\"Ã©\":1,\"b\":2}", "{\"é\":1,\"b\":2}"},
      {"{\"why?\":1,\"b\":2}", "{\"why€\":1,\"b\":2}"},
      {"{\"why€\":1,\"b\":2}", "{\"why?\":1,\"b\":2}"},
      {"{\"k\":\"a?b\"}", "{\"k\":\"a€b\"}"},
      {"{\"k\":\"a\\nb?\"}", "{\"k\":\"a\\nb€\"}"},
    };
    for (String[] pair : pairs) {
      for (int round = 0; round < 2; round++) {
        for (String text : pair) {
          fast.parse(text, DEPTH);
          fast.expect(fast.expectedKeys());
          checkStringAgainstBytes(text, text);
        }
      }
    }
  }

  private void checkStringAgainstBytes(String text, String what) {
    String fromString = null;
    try {
      fast.parse(text, DEPTH);
    } catch (PlasmiteException e) {
      fromString = e.getMessage();
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    boolean lone = !new String(utf8, StandardCharsets.UTF_8).equals(text);
    String fromBytes = null;
    try {
      slow.parse(utf8, 0, utf8.length, DEPTH);
    } catch (PlasmiteException e) {
      fromBytes = e.getMessage();
    }
    if (lone) {
      // A lone surrogate has no UTF-8: the String is refused, its '?' replacement may not be.
      assertTrue(fromString != null, "accepted a lone surrogate: " + what);
      return;
    }
    assertEquals(
        fromBytes == null, fromString == null, what + ": " + fromBytes + " / " + fromString);
    if (fromString == null) {
      assertSameTape(slow, fast, what);
    }
  }

  @Test
  void keysThatNeededEscapesAreNotExpectedRaw() {
    // A key read from "a\nb" holds a newline byte: raw, that byte is not valid JSON.
    for (String key : new String[] {"a\\nb", "q\\\"", "back\\\\slash", "\\u0001"}) {
      byte[] first = ("{\"" + key + "\":1}").getBytes(StandardCharsets.UTF_8);
      assertTrue(fast.scanOnly(first, 0, first.length, DEPTH), key);
      fast.expect(fast.expectedKeys());
      byte[] raw = text(fast, 1);
      byte[] json = new byte[raw.length + 6];
      json[0] = '{';
      json[1] = '"';
      System.arraycopy(raw, 0, json, 2, raw.length);
      System.arraycopy("\":1}".getBytes(StandardCharsets.UTF_8), 0, json, raw.length + 2, 4);
      compare(json, "raw " + key);
      compare(first, "escaped again " + key);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "-0.0",
        "0.0",
        "1",
        "-1",
        "123456789012345678",
        "-123456789012345678",
        "1.5",
        "0.1",
        "0.25",
        "59.97",
        "1e22",
        "1e23",
        "1E+2",
        "1e-2",
        "1.0e-5",
        "123.456e-5",
        "9007199254740993.0",
        "0.1000000000000000055511151231257827",
        "1.7976931348623157e308",
        "4.9e-324",
        "2.2250738585072014e-308",
        "1e-400",
        "0e400",
        "0.000001",
        "100000000000000e7",
        "0.000000000000000000000001",
        "3.141592653589793",
        "12345678901234.5",
        "1234567890123456789",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999",
        "-99999999999999999999999",
        "\"a\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\b\\f\\r\"",
        "\"\\u0000\"",
        "true",
        "false",
        "null",
        "[]",
        "{}",
        " [ 1 , 2 ] ",
        "{\"a\":{\"b\":[{}]}}",
        "{\"\\u0000k\":1}"
      })
  void edgeValuesMatchJackson(String value) {
    assertTrue(compare(value.getBytes(StandardCharsets.UTF_8), value), value + " takes Jackson");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1e400",
        "01",
        "1.",
        ".5",
        "+1",
        "1.e5",
        "1e",
        "-",
        "tru",
        "nul",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "[1 2]",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"\\x\"",
        "\"a\tb\"",
        "{} {}",
        "",
        " ",
        "[",
        "{\"a\":[}",
        "\"\\u12\""
      })
  void rareFormsAndErrorsGoToJackson(String value) {
    byte[] json = value.getBytes(StandardCharsets.UTF_8);
    assertFalse(fast.scanOnly(json, 0, json.length, DEPTH), value);
  }

  @Test
  void integersBeyondDoubleRangeGoToJackson() {
    for (String sign : new String[] {"", "-"}) {
      byte[] json = (sign + "1" + "0".repeat(400)).getBytes(StandardCharsets.UTF_8);
      assertFalse(fast.scanOnly(json, 0, json.length, DEPTH), sign + "1e400 as digits");
    }
  }

  @Test
  void malformedUtf8InStringsGoesToJackson() {
    byte[][] bad = {
      {'"', (byte) 0xC0, (byte) 0x80, '"'},
      {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
      {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
      {'"', (byte) 0xE2, (byte) 0x82, '"'},
      {'"', '\\', 'n', (byte) 0xFF, '"'},
      {'"', 0, '"'},
      {(byte) 0xC3, (byte) 0xA9}
    };
    for (byte[] json : bad) {
      assertFalse(fast.scanOnly(json, 0, json.length, DEPTH), Arrays.toString(json));
    }
    byte[] good = {
      '"',
      (byte) 0xC3,
      (byte) 0xA9,
      '\\',
      'n',
      (byte) 0xF0,
      (byte) 0x9F,
      (byte) 0x98,
      (byte) 0x80,
      '"'
    };
    assertTrue(compare(good, "valid UTF-8 around an escape"));
  }

  @Test
  void fourByteStepHashEqualsTheOneByteDefinition() {
    SplittableRandom rng = new SplittableRandom(33);
    for (int n = 0; n < 40; n++) {
      byte[] key = new byte[n + 3];
      rng.nextBytes(key);
      int h = 5381;
      for (int i = 1; i < n + 1; i++) {
        h = h * 33 + (key[i] & 0xFF);
      }
      assertEquals(h, JsonTape.djb2(key, 1, n), "length " + n);
    }
  }

  @Test
  void depthLimitGoesToJackson() {
    byte[] deep = ("[".repeat(DEPTH + 1) + "]".repeat(DEPTH + 1)).getBytes(StandardCharsets.UTF_8);
    assertFalse(fast.scanOnly(deep, 0, deep.length, DEPTH));
    byte[] ok = ("[".repeat(DEPTH) + "]".repeat(DEPTH)).getBytes(StandardCharsets.UTF_8);
    assertTrue(compare(ok, "depth " + DEPTH));
  }

  @Test
  void scansOnlyTheGivenRange() {
    byte[] buf = "xx{\"a\":1}yy".getBytes(StandardCharsets.UTF_8);
    assertTrue(fast.scanOnly(buf, 2, 7, DEPTH));
    assertFalse(fast.scanOnly(buf, 2, 6, DEPTH), "cut before the closing brace");
  }

  @Test
  void stringsEndWithinTheRangeWhateverFollowsIt() {
    // Strings are scanned eight bytes at a time, words may reach past the range: a closing quote
    // there must not count. Every length, with the range's end at every distance from the array's.
    for (int n = 0; n <= 20; n++) {
      String a = "a".repeat(n);
      for (int tail = 0; tail <= 9; tail++) {
        String after = "\"}" + "\"".repeat(tail);
        byte[] cut = ("{\"k\":\"" + a + after).getBytes(StandardCharsets.UTF_8);
        int cutLen = cut.length - after.length();
        assertFalse(fast.scanOnly(cut, 0, cutLen, DEPTH), n + "/" + tail + ": unterminated");
        byte[] whole =
            ("{\"k\":\"" + a + "\"}" + "\"".repeat(tail)).getBytes(StandardCharsets.UTF_8);
        int wholeLen = whole.length - tail;
        assertTrue(fast.scanOnly(whole, 0, wholeLen, DEPTH), n + "/" + tail);
        assertArrayEquals(a.getBytes(StandardCharsets.UTF_8), text(fast, 2), n + "/" + tail);
        // The key's prefix is read as one word where the array allows it.
        assertEquals(0x6B00000000000000L, fast.keyPrefix(1), n + "/" + tail);
      }
    }
  }

  /** Scanner vs Jackson on one input; returns whether the scanner took it. */
  private boolean compare(byte[] json, String what) {
    boolean scanned = fast.scanOnly(json, 0, json.length, DEPTH);
    try {
      slow.parseWithJackson(json, 0, json.length, DEPTH);
    } catch (PlasmiteException e) {
      if (scanned) {
        fail("fast path accepted what Jackson refuses (" + e.getMessage() + "): " + what);
      }
      return false;
    }
    if (scanned) {
      assertSameTape(what);
    }
    return scanned;
  }

  private void assertSameTape(String what) {
    assertSameTape(slow, fast, what);
  }

  private static void assertSameTape(JsonTape slow, JsonTape fast, String what) {
    assertEquals(slow.size(), fast.size(), what);
    assertEquals(slow.keysHoldNul(), fast.keysHoldNul(), what);
    for (int i = 0; i < slow.size(); i++) {
      byte kind = slow.kind(i);
      assertEquals(kind, fast.kind(i), what + " token " + i);
      switch (kind) {
        case JsonTape.OBJECT, JsonTape.ARRAY -> {
          assertEquals(slow.end(i), fast.end(i), what + " end of " + i);
          assertEquals(slow.count(i), fast.count(i), what + " count of " + i);
        }
        case JsonTape.STRING, JsonTape.KEY -> {
          assertArrayEquals(text(slow, i), text(fast, i), what + " text of " + i);
          if (kind == JsonTape.KEY) {
            assertEquals(slow.keyPrefix(i), fast.keyPrefix(i), what + " prefix of " + i);
            assertEquals(slow.keyHash(i), fast.keyHash(i), what + " hash of " + i);
          }
        }
        case JsonTape.I64 -> assertEquals(slow.longValue(i), fast.longValue(i), what);
        case JsonTape.F64 ->
            assertEquals(
                Double.doubleToRawLongBits(slow.doubleValue(i)),
                Double.doubleToRawLongBits(fast.doubleValue(i)),
                what + " double " + i);
        default -> {}
      }
    }
  }

  private static byte[] text(JsonTape t, int i) {
    return Arrays.copyOfRange(t.bytes(), t.textOffset(i), t.textOffset(i) + t.textLength(i));
  }

  private static String mutate(String text, SplittableRandom rng) {
    StringBuilder s = new StringBuilder(text);
    for (int k = 1 + rng.nextInt(2); k > 0 && !s.isEmpty(); k--) {
      int at = rng.nextInt(s.length());
      char c = MUTATIONS.charAt(rng.nextInt(MUTATIONS.length()));
      switch (rng.nextInt(3)) {
        case 0 -> s.setCharAt(at, c);
        case 1 -> s.insert(at, c);
        default -> s.deleteCharAt(at);
      }
    }
    return s.toString();
  }
}
