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

  synchronized Batch drain() {
    Batch b = new Batch(Arrays.copyOf(ranges, count), ticket);
    count = 0;
    return b;
  }
}
