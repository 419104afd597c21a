package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a group sync covers: one span over every byte recorded since the last drain. */
class DirtyRangesTest {
  @Test
  void aDrainCoversEveryRangeInOneSpan() {
    DirtyRanges dirty = new DirtyRanges();
    dirty.add(10_000, 700); // a frame
    dirty.add(4096, 16); // its index slot
    dirty.appended();
    dirty.add(100_000, 64); // a wrap marker far away
    dirty.add(4112, 16);
    dirty.appended();
    DirtyRanges.Batch batch = dirty.drain();
    assertArrayEquals(new long[] {4096, 100_064 - 4096}, batch.ranges());
    assertEquals(2, batch.ticket());
    assertArrayEquals(new long[0], dirty.drain().ranges(), "a drain empties it");
  }

  @Test
  void theTicketCountsOnlyAppendsWhoseBytesAreAllRecorded() {
    DirtyRanges dirty = new DirtyRanges();
    dirty.add(8192, 128);
    dirty.appended();
    dirty.add(9000, 128); // the next append, still writing
    assertEquals(1, dirty.drain().ticket());
  }

  @Test
  void aFailedSyncsSpanComesBackForTheNextDrain() {
    DirtyRanges dirty = new DirtyRanges();
    dirty.add(8192, 128);
    dirty.appended();
    DirtyRanges.Batch failed = dirty.drain();
    dirty.add(20_000, 64); // appended while the failed sync ran
    dirty.appended();
    dirty.restore(failed);
    DirtyRanges.Batch retry = dirty.drain();
    assertArrayEquals(new long[] {8192, 20_064 - 8192}, retry.ranges());
    assertEquals(2, retry.ticket());
  }

  @Test
  void nothingRecordedDrainsNoRange() {
    DirtyRanges dirty = new DirtyRanges();
    DirtyRanges.Batch empty = dirty.drain();
    assertArrayEquals(new long[0], empty.ranges());
    dirty.restore(empty);
    assertArrayEquals(new long[0], dirty.drain().ranges());
  }
}
