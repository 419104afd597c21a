package io.plasmite.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The pool header: the first 4096 bytes of every pool file ({@code pool-format-v3.md} §2).
 *
 * <pre>
 *  0       4       8   9       16              24              32      36      40
 *  +-------+-------+---+-------+---------------+---------------+-------+-------+
 *  | PLSM  | ver=3 |LE1| 0 x 7 |   file_size   | index_offset  |idx_cap|  pad  |
 *  +-------+-------+---+-------+---------------+---------------+-------+-------+
 *  40              48              56              64              72
 *  +---------------+---------------+---------------+---------------+
 *  |  ring_offset  |   ring_size   |     flags     |   head_off    |
 *  +---------------+---------------+---------------+---------------+
 *  72              80              88              96              104 ... 4096
 *  +---------------+---------------+---------------+---------------+-----------+
 *  |   tail_off    | tail_next_off |  oldest_seq   |  newest_seq   | reserved 0|
 *  +---------------+---------------+---------------+---------------+-----------+
 * </pre>
 *
 * <p>All integers are little-endian. {@code oldest_seq == 0} means the pool is empty; {@code
 * newest_seq} never goes back to 0 once set. The five pointer words at 64..104 are 8-aligned and
 * are accessed with acquire/release semantics: writers publish {@code newest_seq} last.
 */
public final class PoolHeaderDescriptor {
  /** Size of the header region. */
  public static final int HEADER_BYTES = 4096;

  /** ASCII {@code PLSM}, read as a little-endian u32. */
  public static final int MAGIC = 0x4D534C50;

  /** The only format version this code reads and writes. */
  public static final int FORMAT_VERSION = 3;

  /** Byte value meaning little-endian. */
  public static final byte ENDIANNESS_LITTLE = 1;

  /** Offset of the magic. */
  public static final int MAGIC_OFFSET = 0;

  /** Offset of the u32 format version. */
  public static final int VERSION_OFFSET = 4;

  /** Offset of the endianness byte. */
  public static final int ENDIANNESS_OFFSET = 8;

  /** Offset of the u64 file size. */
  public static final int FILE_SIZE_OFFSET = 16;

  /** Offset of the u64 index offset (always 4096). */
  public static final int INDEX_OFFSET_OFFSET = 24;

  /** Offset of the u32 index capacity in slots. */
  public static final int INDEX_CAPACITY_OFFSET = 32;

  /** Offset of the u64 ring offset. */
  public static final int RING_OFFSET_OFFSET = 40;

  /** Offset of the u64 ring size. */
  public static final int RING_SIZE_OFFSET = 48;

  /** Offset of the u64 flags. */
  public static final int FLAGS_OFFSET = 56;

  /** Offset of the u64 head (next write) ring offset. */
  public static final int HEAD_OFFSET = 64;

  /** Offset of the u64 tail (oldest frame) ring offset. */
  public static final int TAIL_OFFSET = 72;

  /** Offset of the u64 ring offset of the frame after the tail frame. */
  public static final int TAIL_NEXT_OFFSET = 80;

  /** Offset of the u64 oldest retained seq (0: empty). */
  public static final int OLDEST_SEQ_OFFSET = 88;

  /** Offset of the u64 newest seq ever written. */
  public static final int NEWEST_SEQ_OFFSET = 96;

  /** First reserved byte; bytes up to {@link #HEADER_BYTES} are zero. */
  public static final int RESERVED_OFFSET = 104;

  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  // Aligned layout for the words that carry acquire/release ordering (mapped memory is
  // page-aligned and the words are 8-aligned).
  private static final VarHandle U64_ATOMIC =
      ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

  private PoolHeaderDescriptor() {}

  /**
   * Reads a little-endian u32 field.
   *
   * @param header segment starting at the pool header
   * @param offset field offset
   * @return the raw 32 bits
   */
  public static int u32(MemorySegment header, long offset) {
    return header.get(U32, offset);
  }

  /**
   * Writes a little-endian u32 field.
   *
   * @param header segment starting at the pool header
   * @param offset field offset
   * @param value the raw 32 bits
   */
  public static void putU32(MemorySegment header, long offset, int value) {
    header.set(U32, offset, value);
  }

  /**
   * Reads a little-endian u64 field with plain semantics.
   *
   * @param header segment starting at the pool header
   * @param offset field offset
   * @return the value
   */
  public static long u64(MemorySegment header, long offset) {
    return header.get(U64, offset);
  }

  /**
   * Writes a little-endian u64 field with plain semantics.
   *
   * @param header segment starting at the pool header
   * @param offset field offset
   * @param value the value
   */
  public static void putU64(MemorySegment header, long offset, long value) {
    header.set(U64, offset, value);
  }

  /**
   * Reads one of the pointer words (64..104) with acquire semantics.
   *
   * @param header segment starting at the pool header
   * @param offset an 8-aligned field offset
   * @return the value
   */
  public static long getAcquire(MemorySegment header, long offset) {
    return (long) U64_ATOMIC.getAcquire(header, offset);
  }

  /**
   * Writes one of the pointer words (64..104) with release semantics.
   *
   * @param header segment starting at the pool header
   * @param offset an 8-aligned field offset
   * @param value the value
   */
  public static void setRelease(MemorySegment header, long offset, long value) {
    U64_ATOMIC.setRelease(header, offset, value);
  }

  /**
   * The oldest retained seq (0 when empty), with acquire semantics.
   *
   * @param header segment starting at the pool header
   * @return oldest_seq
   */
  public static long oldestSeq(MemorySegment header) {
    return getAcquire(header, OLDEST_SEQ_OFFSET);
  }

  /**
   * The newest seq ever written, with acquire semantics.
   *
   * @param header segment starting at the pool header
   * @return newest_seq
   */
  public static long newestSeq(MemorySegment header) {
    return getAcquire(header, NEWEST_SEQ_OFFSET);
  }
}
