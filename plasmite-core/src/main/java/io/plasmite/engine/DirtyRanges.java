package io.plasmite.engine;

import java.util.Arrays;

/**
 * File ranges written by FLUSH appends and not yet synced, with a ticket counting the appends that
 * added them. Thread-safe; appenders add under the writer lock, the sync leader drains.
 */
final class DirtyRanges {
  private static final long PAGE_BYTES = 4096;
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

  /** Takes every range recorded so far, sorted and merged where they touch the same page. */
  synchronized Batch drain() {
    Batch b = new Batch(merged(Arrays.copyOf(ranges, count)), ticket);
    count = 0;
    return b;
  }

  /** A batch's consecutive frames and index slots become a few syncs instead of one per range. */
  static long[] merged(long[] pairs) {
    int n = pairs.length / 2;
    if (n < 2) {
      return pairs;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Long.compare(pairs[2 * x], pairs[2 * y]));
    long[] out = new long[pairs.length];
    int o = 0;
    long start = pairs[2 * order[0]];
    long end = start + pairs[2 * order[0] + 1];
    for (int k = 1; k < n; k++) {
      long s = pairs[2 * order[k]];
      long e = s + pairs[2 * order[k] + 1];
      if (s / PAGE_BYTES <= (end - 1) / PAGE_BYTES + 1) {
        end = Math.max(end, e);
      } else {
        out[o++] = start;
        out[o++] = end - start;
        start = s;
        end = e;
      }
    }
    out[o++] = start;
    out[o++] = end - start;
    return Arrays.copyOf(out, o);
  }
}
