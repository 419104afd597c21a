package io.plasmite.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The optional seq index between the header and the ring ({@code pool-format-v3.md} §3): {@code
 * index_capacity} slots of 16 bytes; slot {@code seq % capacity} holds the newest frame written for
 * that slot.
 *
 * <pre>
 *  4096 + 16*i      +8               +16
 *  +----------------+----------------+
 *  |   u64 seq      | u64 ring offset|
 *  +----------------+----------------+
 * </pre>
 *
 * <p>A slot is a hint: readers trust it only when the frame it points at validates and carries the
 * seq asked for.
 */
public final class IndexDescriptor {
  /** Bytes per slot. */
  public static final int SLOT_BYTES = 16;

  /** Largest capacity chosen by default. */
  public static final long DEFAULT_CAPACITY_MAX = 65_536;

  private static final int SEQ_OFFSET = 0;
  private static final int RING_OFFSET_OFFSET = 8;
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private IndexDescriptor() {}

  /**
   * The default capacity for a pool file of {@code fileSize} bytes: {@code min(fileSize / 256,
   * 65536, (fileSize - 4096 - 1024) / 16)}.
   *
   * @param fileSize the pool file size
   * @return the slot count, 0 for tiny files
   */
  public static long defaultCapacity(long fileSize) {
    long bySize = Math.min(fileSize / 256, DEFAULT_CAPACITY_MAX);
    long byBudget = Math.max(0, fileSize - PoolHeaderDescriptor.HEADER_BYTES - 1024) / SLOT_BYTES;
    return Math.min(bySize, byBudget);
  }

  /**
   * Position of the slot for {@code seq} within the file.
   *
   * @param capacity index capacity (non-zero)
   * @param seq a seq
   * @return the file position of the slot
   */
  public static long slotPosition(long capacity, long seq) {
    return PoolHeaderDescriptor.HEADER_BYTES + Long.remainderUnsigned(seq, capacity) * SLOT_BYTES;
  }

  /**
   * The seq stored in a slot.
   *
   * @param file the whole-file segment
   * @param slot position from {@link #slotPosition}
   * @return the seq
   */
  public static long seq(MemorySegment file, long slot) {
    return file.get(U64, slot + SEQ_OFFSET);
  }

  /**
   * The ring offset stored in a slot.
   *
   * @param file the whole-file segment
   * @param slot position from {@link #slotPosition}
   * @return the ring offset
   */
  public static long ringOffset(MemorySegment file, long slot) {
    return file.get(U64, slot + RING_OFFSET_OFFSET);
  }

  /**
   * Fills a slot.
   *
   * @param file the whole-file segment
   * @param slot position from {@link #slotPosition}
   * @param seq the seq
   * @param ringOffset the frame's ring offset
   */
  public static void write(MemorySegment file, long slot, long seq, long ringOffset) {
    file.set(U64, slot + SEQ_OFFSET, seq);
    file.set(U64, slot + RING_OFFSET_OFFSET, ringOffset);
  }
}
