package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.lite3.RandomJson.Arr;
import io.plasmite.lite3.RandomJson.Lit;
import io.plasmite.lite3.RandomJson.Member;
import io.plasmite.lite3.RandomJson.Node;
import io.plasmite.lite3.RandomJson.Obj;
import io.plasmite.lite3.RandomJson.Shape;
import io.plasmite.lite3.RandomJson.Str;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: any JSON object, written in any valid non-canonical way, encodes to a valid envelope
 * that decodes to its canonical text; re-encoding that text gives the same bytes.
 *
 * <p>Every case has its own seed, printed on failure with the input; rerun one case with {@code
 * -Dlite3.seed=<seed>} (the other cases are then skipped).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Lite3RoundTripPropertyTest {
  private static final Long ONLY_SEED = Long.getLong("lite3.seed");

  @Test
  void randomDocumentsRoundTrip() {
    int cases = run(0x1_0000L, 2500, Mode.MIXED);
    assertTrue(cases > 0);
  }

  @Test
  void collidingAndDenseKeysRoundTrip() {
    run(0x2_0000L, 1000, Mode.COLLIDING);
  }

  @Test
  void longKeysAroundTheTagSizeBoundariesRoundTrip() {
    run(0x3_0000L, 400, Mode.LONG_KEYS);
  }

  @Test
  void deeplyNestedDataRoundTrips() {
    run(0x4_0000L, 300, Mode.DEEP);
  }

  @Test
  void largeObjectsAndArraysRoundTrip() {
    run(0x5_0000L, 24, Mode.LARGE);
  }

  @Test
  void numbersRoundTrip() {
    run(0x6_0000L, 1500, Mode.NUMBERS);
  }

  @Test
  void keysAreCutAtTheirFirstNul() {
    byte[] payload = Lite3Encoder.encodeEnvelope(List.of(), "{\"a\\u0000b\":1,\"a\\u0000c\":2}");
    assertEquals("{\"a\":2}", Lite3Decoder.dataJson(payload));
    Lite3Validator.validateEnvelope(payload);
    Lite3Doc doc = Lite3Doc.of(payload);
    int data = doc.find(Lite3Doc.ROOT, "data");
    assertEquals(1, doc.size(data));
    assertEquals(2, doc.i64(doc.find(data, "a")));
    // Keys are sorted by their full text before they are cut (json.md §1.5: the reference passes
    // the data through a sorted map), so the greatest full key wins, not the last one.
    assertEquals(
        "{\"a\":2}",
        Lite3Decoder.dataJson(
            Lite3Encoder.encodeEnvelope(List.of(), "{\"a\\u0000c\":2,\"a\\u0000b\":1}")));
    assertEquals(
        "{\"a\":true}",
        Lite3Decoder.dataJson(
            Lite3Encoder.encodeEnvelope(List.of(), "{\"a\":null,\"a\\u0000\":true}")));
    // String values keep their NULs.
    assertEquals(
        "{\"s\":\"x\\u0000y\"}",
        Lite3Decoder.dataJson(Lite3Encoder.encodeEnvelope(List.of(), "{\"s\":\"x\\u0000y\"}")));
  }

  private enum Mode {
    MIXED,
    COLLIDING,
    LONG_KEYS,
    DEEP,
    LARGE,
    NUMBERS
  }

  private static int run(long firstSeed, int cases, Mode mode) {
    int ran = 0;
    for (int i = 0; i < cases; i++) {
      long seed = firstSeed + i;
      if (ONLY_SEED != null && ONLY_SEED != seed) {
        continue;
      }
      RandomJson gen = new RandomJson(new SplittableRandom(seed));
      Shape shape = shape(gen, mode);
      Obj data = mode == Mode.NUMBERS ? numbers(gen) : gen.data(shape);
      List<String> tags = gen.tags();
      String input = gen.render(data, gen.rng().nextInt(3) > 0);
      String expected = RandomJson.canonical(data);
      try {
        check(tags, input, data, expected);
      } catch (Throwable t) {
        throw new AssertionError(
            "seed "
                + seed
                + " ("
                + mode
                + "): "
                + t.getMessage()
                + "\n  tags: "
                + tags
                + "\n  input: "
                + abbreviate(input)
                + "\n  expected: "
                + abbreviate(expected),
            t);
      }
      ran++;
    }
    return ran;
  }

  private static Shape shape(RandomJson gen, Mode mode) {
    return switch (mode) {
      case MIXED, NUMBERS -> gen.randomShape();
      case COLLIDING ->
          new Shape(
              200,
              30,
              6,
              25,
              gen.rng().nextBoolean() ? RandomJson.KEYS_COLLIDING : RandomJson.KEYS_DENSE,
              0,
              0);
      case LONG_KEYS -> new Shape(60, 10, 4, 25, RandomJson.KEYS_LONG, 0, 0);
      case DEEP -> new Shape(200, 4, 4, 45, RandomJson.KEYS_MIXED, 25 + gen.rng().nextInt(6), 0);
      case LARGE -> new Shape(4000, 8, 8, 30, gen.rng().nextInt(4), 0, 1 + gen.rng().nextInt(2));
    };
  }

  /** An object of number members, flat or in one small array. */
  private static Obj numbers(RandomJson gen) {
    List<Member> members = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (int i = 1 + gen.rng().nextInt(8); i > 0; i--) {
      String k = "n" + gen.rng().nextInt(1000);
      if (keys.add(k)) {
        members.add(new Member(k, new Lit(gen.number())));
      }
    }
    List<Node> items = new ArrayList<>();
    for (int i = gen.rng().nextInt(6); i > 0; i--) {
      items.add(new Lit(gen.number()));
    }
    members.add(new Member("list", new Arr(items)));
    return new Obj(members);
  }

  private static void check(List<String> tags, String input, Obj data, String expected) {
    byte[] payload = Lite3Encoder.encodeEnvelope(tags, input);
    assertArrayEquals(
        payload,
        Lite3Encoder.encodeEnvelope(tags, input.getBytes(StandardCharsets.UTF_8)),
        "String and UTF-8 inputs encode differently");
    assertEquals(expected, Lite3Decoder.dataJson(payload), "decoded data");
    assertEquals(tags, Lite3Decoder.tags(payload), "decoded tags");
    Lite3Validator.validateEnvelope(payload);

    Lite3Doc doc = Lite3Doc.of(payload);
    int dataAt = doc.find(Lite3Doc.ROOT, "data");
    assertTrue(dataAt > 0, "data member not found");
    assertEquals(Lite3Type.OBJECT, doc.type(dataAt));
    assertEquals(data.members().size(), doc.size(dataAt), "data size");
    for (Member m : data.members()) {
      int at = doc.find(dataAt, m.key());
      assertTrue(at > 0, () -> "member not found: " + m.key());
      Lite3Type type = RandomJson.lite3Type(m.value());
      assertEquals(type, doc.type(at), () -> "type of member " + m.key());
      checkValue(doc, at, m.value());
    }
    int visited = checkMembers(doc, dataAt, data);
    assertEquals(data.members().size(), visited, "forEachMember count");

    // Fixed point: the canonical text encodes to the very same bytes, and decodes to itself.
    String decoded = Lite3Decoder.dataJson(payload);
    byte[] again = Lite3Encoder.encodeEnvelope(tags, decoded);
    assertArrayEquals(payload, again, "encode(decode(encode(x))) differs from encode(x)");
    assertEquals(expected, Lite3Decoder.dataJson(again));

    // The same data as a bare document (the depth limit is one level higher there).
    assertEquals(expected, Lite3Decoder.documentJson(Lite3Encoder.encodeDocument(input)));
  }

  private static int checkMembers(Lite3Doc doc, int object, Obj data) {
    int[] n = {0};
    Set<String> expectedKeys = new HashSet<>();
    data.members().forEach(m -> expectedKeys.add(m.key()));
    doc.forEachMember(
        object,
        (key, value) -> {
          n[0]++;
          assertTrue(expectedKeys.contains(key), () -> "unexpected member " + key);
          assertEquals(value, doc.find(object, key), () -> "find and iteration disagree on " + key);
        });
    return n[0];
  }

  private static void checkValue(Lite3Doc doc, int at, Node value) {
    if (value instanceof Lit lit) {
      switch (lit.text()) {
        case "null" -> {}
        case "true" -> assertTrue(doc.bool(at));
        case "false" -> assertTrue(!doc.bool(at));
        default -> {
          Object v = RandomJson.numberValue(lit.text());
          if (v instanceof Long l) {
            assertEquals(l.longValue(), doc.i64(at), lit.text());
          } else {
            assertEquals(
                Double.doubleToRawLongBits((Double) v),
                Double.doubleToRawLongBits(doc.f64(at)),
                lit.text());
          }
        }
      }
    } else if (value instanceof Str s) {
      assertEquals(s.value(), doc.string(at));
    } else if (value instanceof Arr a) {
      assertEquals(a.items().size(), doc.size(at), "array size");
      if (!a.items().isEmpty()) {
        int last = a.items().size() - 1;
        assertEquals(RandomJson.lite3Type(a.items().get(last)), doc.type(doc.element(at, last)));
        checkValue(doc, doc.element(at, last), a.items().get(last));
        checkValue(doc, doc.element(at, 0), a.items().get(0));
      }
      assertEquals(-1, doc.element(at, a.items().size()));
      int[] index = {0};
      doc.forEachElement(
          at,
          v -> {
            assertEquals(doc.element(at, index[0]), v, "element order");
            index[0]++;
          });
      assertEquals(a.items().size(), index[0]);
    } else {
      Obj o = (Obj) value;
      assertEquals(o.members().size(), doc.size(at), "object size");
      for (Member m : o.members()) {
        int v = doc.find(at, m.key());
        assertTrue(v > 0, () -> "nested member not found: " + m.key());
        assertEquals(RandomJson.lite3Type(m.value()), doc.type(v));
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 4000
        ? s
        : s.substring(0, 4000) + "... (" + s.length() + " chars; rerun the seed to see all)";
  }
}
