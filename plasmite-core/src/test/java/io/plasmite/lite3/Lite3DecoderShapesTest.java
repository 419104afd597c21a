package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.plasmite.PlasmiteException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoder remembers the key sets of objects it printed ({@link KeyShapes}, {@link LeafShapes}):
 * a decoder that has seen a set many times prints exactly what a fresh decoder prints, and never
 * takes one set for another that shares its keys' prefixes and lengths, its hash, or part of its
 * keys.
 */
class Lite3DecoderShapesTest {
  private final Lite3Decoder warm = new Lite3Decoder();

  /**
   * Decodes with the long-lived decoder (three times, so that the set is remembered) and a new one.
   */
  private void assertSameAsFresh(String dataJson) {
    byte[] payload = Lite3Encoder.encodeEnvelope(List.of("t"), dataJson);
    String fresh = new Lite3Decoder().data(payload, 0, payload.length, false).toString();
    String freshPretty = new Lite3Decoder().data(payload, 0, payload.length, true).toString();
    for (int i = 0; i < 3; i++) {
      assertEquals(fresh, warm.data(payload, 0, payload.length, false).toString(), dataJson);
      assertEquals(freshPretty, warm.data(payload, 0, payload.length, true).toString(), dataJson);
    }
  }

  @Test
  void aRememberedSetPrintsAsAFreshDecoderPrintsIt() {
    assertSameAsFresh("{\"b\":1,\"a\":{\"y\":[1,{\"k\":true}],\"x\":\"s\"},\"c\":null}");
    assertSameAsFresh("{\"only\":1}");
    assertSameAsFresh("{}");
    assertSameAsFresh("{\"quote\\\"d\":1,\"tab\\t\":2,\"é\":3,\"😀\":4,\"\\u0001\":5}");
  }

  @Test
  void keysThatShareTheirPrefixAndLengthAreNotConfused() {
    // Same 8-byte prefixes, lengths and hash of the set: only the bytes after the prefix differ.
    String[] variants = {"customer_id", "customer_ix", "customer_xd", "customerXid"};
    for (int round = 0; round < 3; round++) {
      for (String k : variants) {
        assertSameAsFresh("{\"" + k + "\":1,\"customer_name\":\"n\",\"id\":2}");
      }
    }
    // Keys of exactly 8 bytes and of 9, whose prefixes are equal.
    for (int round = 0; round < 3; round++) {
      assertSameAsFresh("{\"abcdefgh\":1,\"abcdefghi\":2}");
      assertSameAsFresh("{\"abcdefgh\":1,\"abcdefghj\":2}");
    }
  }

  @Test
  void keysWithEqualHashesAreToldApartByTheirBytes() {
    // DJB2 gives "aB" and "b!" the same hash (33 * 97 + 66 == 33 * 98 + 33): a small object is
    // looked up by its stored hashes, so only the key bytes tell these two apart.
    for (int round = 0; round < 4; round++) {
      assertSameAsFresh("{\"aB\":1,\"x\":2}");
      assertSameAsFresh("{\"b!\":1,\"x\":2}");
      assertSameAsFresh("{\"aB\":{\"b!\":1}}");
    }
  }

  @Test
  void aDamagedCopyOfARememberedDocumentFailsOrPrintsAsWithAFreshDecoder() {
    // Every outcome, text or error with its message, must not depend on what the decoder met
    // before: damage anywhere (keys, tags, node hashes, entry offsets, values) after the intact
    // document was remembered.
    SplittableRandom rng = new SplittableRandom(0xDA3A6EL);
    String[] docs = {
      "{\"id\":\"evt_1\",\"user\":\"alice\",\"ts\":1718035200123,"
          + "\"cart\":{\"items\":3,\"total\":59.97},\"ok\":true,\"score\":0.25}",
      "{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":2},{\"a\":3}],\"customer_id\":\"x\"}",
    };
    for (String doc : docs) {
      byte[] payload = Lite3Encoder.encodeEnvelope(List.of("t"), doc);
      for (int i = 0; i < 3; i++) {
        warm.data(payload, 0, payload.length, false);
      }
      for (int trial = 0; trial < 20_000; trial++) {
        byte[] damaged = payload.clone();
        int flips = 1 + rng.nextInt(3);
        for (int f = 0; f < flips; f++) {
          int at = rng.nextInt(damaged.length);
          damaged[at] = rng.nextBoolean() ? (byte) rng.nextInt(256) : (byte) (damaged[at] ^ 1);
        }
        assertEquals(
            outcome(new Lite3Decoder(), damaged), outcome(warm, damaged), "trial " + trial);
        // And the intact document again, so that the memory stays warm.
        warm.data(payload, 0, payload.length, false);
      }
    }
  }

  private static String outcome(Lite3Decoder d, byte[] payload) {
    try {
      return d.data(payload, 0, payload.length, false).toString();
    } catch (PlasmiteException e) {
      return e.kind() + ": " + e.getMessage() + " @" + e.offset();
    }
  }

  @Test
  void aSetAndItsVariantsKeepTheirOwnOrder() {
    // Sets that differ in one key, in the number of keys, or in a value's shape only.
    List<String> docs = new ArrayList<>();
    docs.add("{\"id\":1,\"user\":\"a\",\"ok\":true}");
    docs.add("{\"id\":1,\"user\":\"a\",\"ok\":true,\"zz\":0}");
    docs.add("{\"id\":1,\"usex\":\"a\",\"ok\":true}");
    docs.add("{\"id\":1,\"user\":{\"id\":2,\"ok\":false},\"ok\":true}");
    docs.add("{\"id\":[{\"user\":1,\"id\":2}],\"user\":\"a\",\"ok\":true}");
    for (int round = 0; round < 4; round++) {
      for (String d : docs) {
        assertSameAsFresh(d);
      }
    }
  }

  @Test
  void manySetsCycleThroughTheMemoryWithoutMixingUp() {
    // More sets than slots, each seen repeatedly and interleaved, with random keys that often share
    // prefixes: every print must equal a fresh decoder's.
    SplittableRandom rng = new SplittableRandom(0x5A9E5L);
    List<String> sets = new ArrayList<>();
    for (int s = 0; s < KeyShapes.SLOTS * 3; s++) {
      StringBuilder b = new StringBuilder("{");
      int n = 1 + rng.nextInt(KeyShapes.KEYS_MAX + 4);
      for (int k = 0; k < n; k++) {
        if (k > 0) {
          b.append(',');
        }
        String stem = rng.nextBoolean() ? "property" : "p";
        b.append('"').append(stem).append(rng.nextInt(40)).append("\":").append(k);
      }
      sets.add(b.append('}').toString());
    }
    for (int i = 0; i < 4000; i++) {
      assertSameAsFresh(sets.get(rng.nextInt(rng.nextBoolean() ? 4 : sets.size())));
    }
  }

  @Test
  void randomDocumentsPrintTheSameWarmAndFresh() {
    SplittableRandom rng = new SplittableRandom(0xD0C5L);
    RandomJson gen = new RandomJson(rng);
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      docs.add(gen.randomDataText(rng.nextBoolean()));
    }
    for (int i = 0; i < 1500; i++) {
      assertSameAsFresh(docs.get(rng.nextInt(docs.size())));
    }
  }
}
