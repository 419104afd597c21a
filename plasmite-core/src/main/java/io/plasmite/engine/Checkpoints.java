package io.plasmite.engine;

/**
 * An in-memory map from every 256th seq to its frame's ring offset, learned while walking the frame
 * chain. The on-disk index covers only the newest {@code index_capacity} seqs; for older ones a
 * lookup walks from the nearest checkpoint instead of from the tail.
 *
 * <p>Entries are hints, written and read without locks: a reader checks that the frame found at an
 * offset carries the seq it expects, so a stale or torn entry only costs a longer walk.
 */
final class Checkpoints {
  static final int STRIDE_SHIFT = 8;
  private static final int SLOTS = 4096;

  // Pairs (seq, ring offset); seq 0 marks an empty slot.
  private final long[] entries = new long[2 * SLOTS];

  void record(long seq, long ringOffset) {
    if ((seq & ((1 << STRIDE_SHIFT) - 1)) != 0) {
      return;
    }
    int slot = (int) ((seq >>> STRIDE_SHIFT) % SLOTS);
    entries[2 * slot + 1] = ringOffset;
    entries[2 * slot] = seq;
  }

  /**
   * The checkpoint at or before {@code seq} within one stride, as {seq, offset}, or null.
   *
   * @param seq the seq wanted
   * @return the checkpoint, or null if none is known
   */
  long[] before(long seq) {
    long base = seq & ~((1L << STRIDE_SHIFT) - 1);
    if (base == 0) {
      return null;
    }
    int slot = (int) ((seq >>> STRIDE_SHIFT) % SLOTS);
    long offset = entries[2 * slot + 1];
    return entries[2 * slot] == base ? new long[] {base, offset} : null;
  }
}
