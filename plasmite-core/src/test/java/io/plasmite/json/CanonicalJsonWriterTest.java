package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
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

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
