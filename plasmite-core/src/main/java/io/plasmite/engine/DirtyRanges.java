package io.plasmite.engine;

import java.util.Arrays;

/**
 * File ranges written by FLUSH appends and not yet synced, with a ticket counting the appends that
 * added them. Thread-safe; appenders add under the writer lock, the sync leader drains.
 */
final class DirtyRanges {
  private long[] ranges = new long[32];
  private int count;
  private long ticket;

  /**
   * What one drain took.
   *
   * @param ranges (position, length) pairs
   * @param ticket the appends covered
   */
  record Batch(long[] ranges, long ticket) {}

  synchronized void add(long position, long length) {
    if (count + 2 > ranges.length) {
      ranges = Arrays.copyOf(ranges, ranges.length * 2);
    }
    ranges[count++] = position;
    ranges[count++] = length;
    ticket++;
  }

  synchronized long ticket() {
    return ticket;
  }

  /**
   * Takes every range recorded so far, as one range from the first byte to the last: one sync of a
   * span writes back only its dirty pages, and each sync call costs the device a cache flush, so
   * one call for a group's frames and index slots beats one per range.
   */
  synchronized Batch drain() {
    Batch b = new Batch(span(Arrays.copyOf(ranges, count)), ticket);
    count = 0;
    return b;
  }

  /**
   * Puts back the ranges of a batch whose sync failed, for the next sync to cover.
   *
   * @param batch what {@link #drain} returned
   */
  synchronized void restore(Batch batch) {
    long[] r = batch.ranges();
    for (int i = 0; i < r.length; i += 2) {
      if (count + 2 > ranges.length) {
        ranges = Arrays.copyOf(ranges, ranges.length * 2);
      }
      ranges[count++] = r[i];
      ranges[count++] = r[i + 1];
    }
  }

  /** The smallest (position, length) pair covering every pair given; none for none. */
  static long[] span(long[] pairs) {
    if (pairs.length == 0) {
      return pairs;
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (int i = 0; i < pairs.length; i += 2) {
      start = Math.min(start, pairs[i]);
      end = Math.max(end, pairs[i] + pairs[i + 1]);
    }
    return new long[] {start, end - start};
  }
}
