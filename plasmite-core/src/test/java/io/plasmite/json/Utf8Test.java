package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The strict string encoder: the Latin-1 route, the general route and lone surrogates. */
class Utf8Test {
  /** Characters that take each route: ASCII, Latin-1, '?', beyond Latin-1, a surrogate pair. */
  private static final String[] PIECES = {"a", "~", "é", "\u0080", "ÿ", "?", "€", "\u0100", "😀"};

  @Test
  void everyCharacterAtEveryPlaceEncodesAsTheJdkDoes() {
    // Lengths around the eight-byte words, each piece at every position of a run of ASCII.
    for (int n = 0; n <= 20; n++) {
      for (int p = 0; p <= n; p++) {
        for (String piece : PIECES) {
          String s = "x".repeat(p) + piece + "y".repeat(n - p);
          assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.encode(s), s);
        }
      }
    }
  }

  @Test
  void randomMixturesEncodeAsTheJdkDoes() {
    SplittableRandom rng = new SplittableRandom(0xE7C0DEL);
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder();
      int pieces = rng.nextInt(40);
      for (int k = 0; k < pieces; k++) {
        b.append(PIECES[rng.nextInt(rng.nextBoolean() ? 2 : PIECES.length)]);
      }
      String s = b.toString();
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.encode(s), s);
    }
  }

  @Test
  void aLoneSurrogateIsRefusedWhereverItIs() {
    for (String s :
        new String[] {
          "\ud800",
          "abc\udc00",
          "\ud83d x",
          "é\ud800é",
          "?\udfff",
          "no question mark here \udbff, but Latin-1 é",
          "😀\ud83d",
        }) {
      assertNull(Utf8.encode(s), s);
    }
  }
}
