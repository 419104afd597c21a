package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder remembers the layouts of documents whose shape repeats ({@link DocumentLayouts}): an
 * encoder that writes a document from a remembered layout writes exactly the bytes a fresh encoder
 * writes, whatever the values, and never takes one shape for another.
 */
class Lite3EncoderLayoutsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Lite3Encoder warm = new Lite3Encoder();

  private void assertSameAsFresh(List<String> tags, String dataJson) {
    assertSameBytes(
        new Lite3Encoder().envelope(tags, dataJson), warm.envelope(tags, dataJson), dataJson);
  }

  /** Compares, reporting the first differing byte and a few bytes around it. */
  private static void assertSameBytes(byte[] expected, byte[] actual, String json) {
    int at = Arrays.mismatch(expected, actual);
    if (at >= 0) {
      int from = Math.max(0, at - 8);
      assertEquals(
          HexFormat.of().formatHex(expected, from, Math.min(expected.length, at + 8)),
          HexFormat.of().formatHex(actual, from, Math.min(actual.length, at + 8)),
          "first difference at byte " + at + " of " + expected.length + " for " + json);
    }
  }

  /** Encodes each text with the long-lived encoder, often enough for its layout to be used. */
  private void assertAllSameAsFresh(String... dataJson) {
    for (int round = 0; round < 3; round++) {
      for (String json : dataJson) {
        assertSameAsFresh(List.of("t"), json);
      }
    }
  }

  @Test
  void aRepeatedShapeIsWrittenFromItsLayout() {
    long before = warm.layoutReplays();
    assertAllSameAsFresh(
        "{\"b\":1,\"a\":{\"y\":[1,{\"k\":true}],\"x\":\"s\"},\"c\":null,\"d\":-2.5e-3}");
    assertEquals(before + 1, warm.layoutReplays(), "seen, remembered, then written from memory");
    assertAllSameAsFresh("{}", "{\"only\":1}", "{\"e\":[]}", "{\"e\":{}}");
  }

  @Test
  void stringsOfEveryLengthMoveTheEntriesAndNodesAfterThem() {
    // Nested nodes are 4-aligned: each string length mod 4 gives other padding after it, and a
    // large object splits into several nodes whose offsets move too. A string of 90 bytes has a
    // node's payload length, and the writer aligns it as it aligns nodes.
    StringBuilder big = new StringBuilder("{");
    for (int k = 0; k < 40; k++) {
      big.append(k == 0 ? "" : ",").append("\"key").append(k).append("\":");
      big.append(k % 3 == 0 ? "{\"in\":[1,2,3,4,5,6,7,8,9,10]}" : "\"%s\"");
    }
    String template = big.append('}').toString();
    long before = warm.layoutReplays();
    for (int n = 0; n < 100; n++) {
      assertSameAsFresh(List.of("t"), template.replace("%s", "x".repeat(n)));
      assertSameAsFresh(List.of("t"), "{\"s\":\"" + "é".repeat(n) + "\",\"o\":{\"a\":1}}");
    }
    assertTrue(warm.layoutReplays() - before >= 190, "most documents written from layouts");
  }

  @Test
  void shapesThatDifferOnlyWhereAContainerEndsAreToldApart() {
    // The same tokens and keys: only the end of the inner array differs.
    assertAllSameAsFresh("{\"a\":[[1],2]}", "{\"a\":[[1,2]]}");
    assertAllSameAsFresh("{\"a\":{\"b\":{},\"c\":1}}", "{\"a\":{\"b\":{\"c\":1}}}");
  }

  @Test
  void keysThatShareTheirPrefixLengthOrHashAreToldApart() {
    assertAllSameAsFresh(
        "{\"customer_id\":1,\"z\":2}",
        "{\"customer_ix\":1,\"z\":2}",
        "{\"customerXid\":1,\"z\":2}",
        "{\"abcdefgh\":1,\"z\":2}",
        "{\"abcdefgi\":1,\"z\":2}");
    // DJB2 gives "aB" and "b!" the same hash, and the same tokens; in one object, the second
    // is filed under a probed hash.
    assertAllSameAsFresh(
        "{\"aB\":1,\"x\":2}", "{\"b!\":1,\"x\":2}", "{\"aB\":1,\"b!\":\"s\",\"x\":[2]}");
  }

  @Test
  void duplicateKeysAndEscapedKeysKeepTheirWinner() {
    assertAllSameAsFresh(
        "{\"a\":1,\"b\":2,\"a\":\"last\"}",
        "{\"a\":\"first\",\"b\":2,\"a\":3}",
        "{\"\\u0061\":1,\"b\":2}",
        "{\"k\\n\":{\"k\\n\":1,\"k\\n\":[true]}}");
    // Keys that needed escapes are not looked for raw: only the plain one is found in place.
    assertAllSameAsFresh("{\"a\":1,\"k\\n\":2}", "{\"a\":1,\"k\\t\":2}");
  }

  @Test
  void keysHoldingNulAreNeverRemembered() {
    // Both keys are cut at the NUL to "a": the second overrides the first in place or not,
    // depending on the sizes of their values.
    long before = warm.layoutReplays();
    for (int n = 0; n < 6; n++) {
      assertSameAsFresh(List.of("t"), "{\"a\\u0000x\":\"" + "v".repeat(n) + "\",\"a\\u0000y\":7}");
      assertSameAsFresh(List.of("t"), "{\"a\\u0000x\":7,\"a\\u0000y\":\"" + "v".repeat(n) + "\"}");
    }
    assertEquals(before, warm.layoutReplays());
  }

  @Test
  void otherTagsMoveTheWholeDocument() {
    String data = "{\"a\":{\"b\":[1,{\"c\":\"d\"}]},\"e\":\"f\"}";
    for (int n = 0; n < 12; n++) {
      assertSameAsFresh(List.of("x".repeat(n)), data);
      assertSameAsFresh(List.of("a", "b".repeat(n), "c"), data);
    }
  }

  @Test
  void documentsWithAnArrayRootUseLayoutsToo() {
    for (int n = 0; n < 10; n++) {
      String json = "[\"" + "s".repeat(n) + "\",{\"a\":[" + n + "]},1.5,null,[],{}]";
      assertSameBytes(new Lite3Encoder().document(json), warm.document(json), json);
    }
  }

  @Test
  void moreShapesThanTheMemoryHoldsInterleaved() {
    List<String> docs = new ArrayList<>();
    for (int s = 0; s < 2 * DocumentLayouts.SLOTS + 3; s++) {
      docs.add("{\"k" + s + "\":{\"v\":\"" + "w".repeat(s) + "\"},\"n\":" + s + "}");
    }
    for (int round = 0; round < 4; round++) {
      for (String doc : docs) {
        assertSameAsFresh(List.of("t"), doc);
      }
      for (int s = docs.size() - 1; s >= 0; s -= 3) {
        assertSameAsFresh(List.of("t"), docs.get(s));
        assertSameAsFresh(List.of("t"), docs.get(s));
      }
    }
  }

  @Test
  void randomShapesWithRandomValuesEncodeAsWithAFreshEncoder() throws JsonProcessingException {
    // Each random document keeps its member order and duplicates; only its values change, within
    // their kinds, so that its layout is taken and then replayed with other string lengths.
    SplittableRandom rng = new SplittableRandom(0x1A7015L);
    RandomJson gen = new RandomJson(rng);
    long before = warm.layoutReplays();
    int documents = 0;
    for (int shape = 0; shape < 300; shape++) {
      RandomJson.Obj data = gen.data(gen.randomShape());
      int variants = 2 + rng.nextInt(5);
      for (int v = 0; v < variants; v++) {
        StringBuilder text = new StringBuilder();
        render(data, gen, rng, shape, text);
        assertSameAsFresh(List.of("tag"), text.toString());
        documents++;
      }
    }
    assertTrue(
        warm.layoutReplays() - before > documents / 3,
        "layouts were used: " + (warm.layoutReplays() - before) + " of " + documents);
  }

  /**
   * Renders with the tree's member order, and in some objects (chosen by the shape's seed, so the
   * same in every variant) a losing duplicate before a member; scalars get new values of their
   * kind.
   */
  private static void render(
      RandomJson.Node n, RandomJson gen, SplittableRandom rng, int seed, StringBuilder out)
      throws JsonProcessingException {
    switch (n) {
      case RandomJson.Lit lit -> out.append(vary(lit.text(), gen));
      case RandomJson.Str s -> out.append(MAPPER.writeValueAsString(gen.string(true)));
      case RandomJson.Arr a -> {
        out.append('[');
        for (int i = 0; i < a.items().size(); i++) {
          out.append(i == 0 ? "" : ",");
          render(a.items().get(i), gen, rng, seed * 31 + i, out);
        }
        out.append(']');
      }
      case RandomJson.Obj o -> {
        out.append('{');
        for (int i = 0; i < o.members().size(); i++) {
          RandomJson.Member m = o.members().get(i);
          out.append(i == 0 ? "" : ",");
          if ((seed * 31 + i) % 7 == 3) {
            out.append(MAPPER.writeValueAsString(m.key())).append(":\"loser\",");
          }
          out.append(MAPPER.writeValueAsString(m.key())).append(':');
          render(m.value(), gen, rng, seed * 31 + i, out);
        }
        out.append('}');
      }
      default -> throw new AssertionError(n);
    }
  }

  /** Another literal of the same kind: integers stay integers, doubles doubles. */
  private static String vary(String lit, RandomJson gen) {
    if (lit.equals("null") || lit.equals("true") || lit.equals("false")) {
      return lit;
    }
    Class<?> kind = RandomJson.numberValue(lit).getClass();
    while (true) {
      String other = gen.number();
      if (RandomJson.numberValue(other).getClass() == kind) {
        return other;
      }
    }
  }
}
