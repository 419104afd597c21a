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
}
