package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Containers of at most seven entries are written in one go; their bytes must equal those of the
 * general insertion, entry by entry, whatever the document.
 */
class Lite3EncoderLeafTest {
  private final Lite3Encoder fast = new Lite3Encoder(true);
  private final Lite3Encoder general = new Lite3Encoder(false);

  @Test
  void randomDocumentsEncodeAsWithTheGeneralInsertion() {
    SplittableRandom rng = new SplittableRandom(0x1EAFL);
    RandomJson gen = new RandomJson(rng);
    for (int i = 0; i < 4000; i++) {
      String json = gen.randomDataText(rng.nextBoolean());
      List<String> tags = rng.nextBoolean() ? List.of() : List.of("t" + rng.nextInt(3), "x");
      assertArrayEquals(
          general.envelope(tags, json), fast.envelope(tags, json), "document " + i + ": " + json);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // "aa" and "bA" share a DJB2 hash: the second takes the writer's probing.
        "{\"aa\":1,\"bA\":2}",
        "{\"aa\":{\"bA\":[1,2,3]},\"bA\":\"x\",\"c\":null}",
        // Keys cut at a NUL collide with the same key: the later member overrides.
        "{\"a\\u0000x\":1,\"a\\u0000y\":2,\"b\":3}",
        "{\"a\":1,\"a\\u0000\":2}",
        // Seven and eight entries: the last size without a split, the first with one.
        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7}",
        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8}",
        "{\"l\":[1,2,3,4,5,6,7],\"m\":[1,2,3,4,5,6,7,8],\"n\":[{},[],{\"o\":[]}]}",
        // Duplicates: the last one wins.
        "{\"k\":1,\"k\":{\"k\":2,\"k\":[3]},\"j\":\"s\"}",
        "{}"
      })
  void edgeCasesEncodeAsWithTheGeneralInsertion(String json) {
    assertArrayEquals(general.envelope(List.of("t"), json), fast.envelope(List.of("t"), json));
    assertArrayEquals(general.document(json), fast.document(json));
  }
}
