package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CanonicalJsonWriterTest {
  private static String sample(boolean pretty) {
    CanonicalJsonWriter w = new CanonicalJsonWriter(pretty);
    w.startObject()
        .key("a")
        .startArray()
        .value(1)
        .value(2.5)
        .value(true)
        .nullValue()
        .endArray()
        .key("e")
        .startObject()
        .endObject()
        .key("f")
        .startArray()
        .endArray()
        .key("s")
        .value("q\"\\/\n\t\r\b\f\u0001\u001f\u007fé😀")
        .endObject();
    return w.toString();
  }

  @Test
  void compactHasNoSpacesAndMinimalEscapes() {
    assertEquals(
        "{\"a\":[1,2.5,true,null],\"e\":{},\"f\":[],\"s\":\"q\\\"\\\\/\\n\\t\\r\\b\\f\\u0001\\u001f\u007fé😀\"}",
        sample(false));
  }

  @Test
  void prettyIndentsByTwoSpaces() {
    assertEquals(
        """
        {
          "a": [
            1,
            2.5,
            true,
            null
          ],
          "e": {},
          "f": [],
          "s": "q\\"\\\\/\\n\\t\\r\\b\\f\\u0001\\u001f\u007fé😀"
        }""",
        sample(true));
  }

  @Test
  void resetStartsOver() {
    CanonicalJsonWriter w = new CanonicalJsonWriter(false);
    w.startObject().key("x").value(1).endObject();
    w.reset();
    w.startArray().value("y").endArray();
    assertEquals("[\"y\"]", w.toString());
    assertEquals("[\"y\"]", new String(w.toByteArray(), StandardCharsets.UTF_8));
  }

  /** toString decodes Latin-1 text itself and hands anything else to the UTF-8 decoder. */
  @Test
  void toStringMatchesUtf8Decoding() {
    String[] texts = {
      "",
      "plain ascii text that is longer than eight bytes",
      "Zoë Müller, Hauptstraße 12, Zürich ÿ\u0080",
      "ascii then é at the end é",
      "€ beyond Latin-1 after a while: Grüße",
      "surrogate pair 😀 and ë",
      "\u00ff\u00c0\u0080\u00a0abcdefgh\u00e9",
    };
    CanonicalJsonWriter w = new CanonicalJsonWriter(false);
    for (String text : texts) {
      w.reset();
      w.startArray().value(text).value(12.5).endArray();
      assertEquals(new String(w.toByteArray(), StandardCharsets.UTF_8), w.toString(), text);
      assertEquals("[" + quote(text) + ",12.5]", w.toString(), text);
    }
    // Bytes that are not UTF-8 decode as the JDK decodes them.
    byte[] bad = {'a', (byte) 0xC3, 'b', (byte) 0xC2};
    w.reset();
    w.startArray().string(bad, 0, bad.length).endArray();
    assertEquals(new String(w.toByteArray(), StandardCharsets.UTF_8), w.toString());
  }

  /**
   * toString takes ASCII output as it is and anything else through the decoders: a non-ASCII byte
   * at any place of a key, a string or a raw value, with or without escapes and with the array
   * ending there or not, is noticed, and reset forgets it.
   */
  @Test
  void aNonAsciiByteAnywhereIsDecodedAndResetForgetsIt() {
    CanonicalJsonWriter w = new CanonicalJsonWriter(false);
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    for (int n = 2; n <= 20; n++) {
      for (int p = 0; p + 1 < n; p++) {
        for (int room = 0; room <= 8; room++) {
          byte[] s = new byte[n + room];
          java.util.Arrays.fill(s, (byte) 'a');
          s[p] = e[0];
          s[p + 1] = e[1];
          for (boolean escape : new boolean[] {false, true}) {
            if (escape) {
              s[n - 1] = p + 2 < n ? (byte) '"' : s[n - 1];
            }
            String text = new String(s, 0, n, StandardCharsets.UTF_8);
            w.reset();
            w.startArray().string(s, 0, n).endArray();
            assertEquals("[" + quote(text.replace("\"", "\\\"")) + "]", w.toString(), text);
            w.reset();
            w.startObject().key(s, 0, n).value(1).endObject();
            assertEquals(new String(w.toByteArray(), StandardCharsets.UTF_8), w.toString(), text);
          }
        }
      }
    }
    w.reset();
    w.startArray().rawValue("{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8)).endArray();
    assertEquals("[{\"a\":\"é\"}]", w.toString());
    w.reset();
    w.startArray().value("ascii only").endArray();
    assertEquals("[\"ascii only\"]", w.toString());
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** What a string of {@code a}s with an escaped byte at {@code p} must print as. */
  private static String expected(int n, int p, String escaped) {
    return "\"" + "a".repeat(p) + escaped + "a".repeat(n - p - 1) + "\"";
  }

  @Test
  void anEscapeAtAnyPositionIsWrittenWithTheArrayEndingThereOrNot() {
    // The writer scans eight bytes at a time and the last 1–7 as one word: every length, position
    // and amount of room after the string, with bytes after it that would need escaping.
    byte[] specials = {'"', '\\', '\n', 0x01, 0x1f};
    String[] escapes = {"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f"};
    for (int n = 1; n <= 20; n++) {
      for (int p = 0; p < n; p++) {
        for (int k = 0; k < specials.length; k++) {
          for (int room = 0; room <= 9; room++) {
            byte[] text = new byte[2 + n + room];
            Arrays.fill(text, (byte) '"');
            Arrays.fill(text, 2, 2 + n, (byte) 'a');
            text[2 + p] = specials[k];
            CanonicalJsonWriter w = new CanonicalJsonWriter(false);
            w.string(text, 2, n);
            assertEquals(expected(n, p, escapes[k]), w.toString(), n + "/" + p);
          }
        }
      }
    }
  }

  @Test
  void plainStringsOfEveryLengthAreCopied() {
    for (int n = 0; n <= 20; n++) {
      for (int room = 0; room <= 9; room++) {
        byte[] text = new byte[n + room];
        Arrays.fill(text, 0, n, (byte) 'b');
        Arrays.fill(text, n, n + room, (byte) '\\');
        CanonicalJsonWriter w = new CanonicalJsonWriter(false);
        w.startObject().key(text, 0, n).string(text, 0, n).endObject();
        String b = "b".repeat(n);
        assertEquals("{\"" + b + "\":\"" + b + "\"}", w.toString());
      }
    }
  }

  @Test
  void utf8ValidityLooksOnlyAtTheRangeAtEveryLength() {
    for (int n = 1; n <= 20; n++) {
      for (int room = 0; room <= 9; room++) {
        byte[] text = new byte[n + room];
        Arrays.fill(text, 0, n, (byte) 'c');
        Arrays.fill(text, n, n + room, (byte) 0xFF);
        assertEquals(-1, Utf8.firstInvalid(text, 0, n), n + "+" + room);
        for (int p = 0; p < n; p++) {
          byte[] bad = text.clone();
          bad[p] = (byte) 0xFF;
          assertEquals(p, Utf8.firstInvalid(bad, 0, n), n + "/" + p);
          assertTrue(Utf8.firstInvalid(bad, 0, p) < 0, n + "/" + p + " before");
        }
      }
    }
  }
}
