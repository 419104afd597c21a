package io.plasmite.engine;

/**
 * File bytes written by FLUSH appends and not yet synced, kept as one span from the first byte to
 * the last, with a ticket counting the appends recorded. Thread-safe; appenders record under the
 * writer lock, the sync leader drains.
 *
 * <p>One span, not a list: a sync of a span writes back only its dirty pages, and each sync call
 * costs the device a cache flush, so one call for a group's frames, wrap markers and index slots
 * beats one per range.
 */
final class DirtyRanges {
  private long start = Long.MAX_VALUE;
  private long end = Long.MIN_VALUE;
  private long ticket;

  /**
   * What one drain took.
   *
   * @param ranges one (position, length) pair, or none
   * @param ticket the appends covered
   */
  record Batch(long[] ranges, long ticket) {}

  /**
   * Records bytes an append wrote.
   *
   * @param position file position
   * @param length bytes
   */
  synchronized void add(long position, long length) {
    start = Math.min(start, position);
    end = Math.max(end, position + length);
  }

  /** Counts one append whose bytes are all recorded; a drain after this covers it. */
  synchronized void appended() {
    ticket++;
  }

  synchronized long ticket() {
    return ticket;
  }

  /** Takes the span recorded so far and the ticket it covers. */
  synchronized Batch drain() {
    Batch b = new Batch(start <= end ? new long[] {start, end - start} : new long[0], ticket);
    start = Long.MAX_VALUE;
    end = Long.MIN_VALUE;
    return b;
  }

  /**
   * Puts back the span of a batch whose sync failed, for the next sync to cover.
   *
   * @param batch what {@link #drain} returned
   */
  synchronized void restore(Batch batch) {
    long[] r = batch.ranges();
    if (r.length == 2) {
      add(r[0], r[1]);
    }
  }
}
