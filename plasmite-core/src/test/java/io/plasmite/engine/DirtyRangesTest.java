package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a group sync covers: one span over every range recorded since the last drain. */
class DirtyRangesTest {
  @Test
  void aDrainCoversEveryRangeInOneSpan() {
    DirtyRanges dirty = new DirtyRanges();
    dirty.add(10_000, 700); // a frame
    dirty.add(4096, 16); // its index slot
    dirty.add(100_000, 64); // a wrap marker far away
    dirty.add(4112, 16);
    DirtyRanges.Batch batch = dirty.drain();
    assertArrayEquals(new long[] {4096, 100_064 - 4096}, batch.ranges());
    assertEquals(4, batch.ticket());
    assertArrayEquals(new long[0], dirty.drain().ranges(), "a drain empties it");
  }

  @Test
  void aFailedSyncsRangesComeBackForTheNextDrain() {
    DirtyRanges dirty = new DirtyRanges();
    dirty.add(8192, 128);
    DirtyRanges.Batch failed = dirty.drain();
    dirty.add(20_000, 64); // appended while the failed sync ran
    dirty.restore(failed);
    DirtyRanges.Batch retry = dirty.drain();
    assertArrayEquals(new long[] {8192, 20_064 - 8192}, retry.ranges());
    assertEquals(2, retry.ticket());
  }

  @Test
  void oneRangeStaysAsItIs() {
    assertArrayEquals(new long[] {5, 7}, DirtyRanges.span(new long[] {5, 7}));
  }
}
