package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Ranges to sync are sorted and merged where they share or touch a page, and nothing is lost. */
class DirtyRangesTest {
  @Test
  void rangesOnTheSameOrNextPageMergeOthersStay() {
    long[] pairs = {
      10_000, 700, // a frame on page 2
      4096, 16, // an index slot, page 1
      10_700, 700, // the next frame, still page 2
      4112, 16, // the next slot
      100_000, 64 // a wrap marker far away
    };
    assertArrayEquals(new long[] {4096, 11_400 - 4096, 100_000, 64}, DirtyRanges.merged(pairs));
  }

  @Test
  void oneRangeAndNoneStayAsTheyAre() {
    assertArrayEquals(new long[] {5, 7}, DirtyRanges.merged(new long[] {5, 7}));
    assertArrayEquals(new long[0], DirtyRanges.merged(new long[0]));
  }

  @Test
  void aRangeInsideAnotherAddsNothing() {
    assertArrayEquals(
        new long[] {0, 8192}, DirtyRanges.merged(new long[] {100, 50, 0, 8192, 4000, 10}));
  }
}
