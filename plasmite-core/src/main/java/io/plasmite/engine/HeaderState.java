package io.plasmite.engine;

import static io.plasmite.format.PoolHeaderDescriptor.*;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.IndexDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * A snapshot of the pool header's fields, as plain values.
 *
 * @param fileSize file length in bytes
 * @param indexCapacity index slots (0: no index)
 * @param ringOffset file position of the ring
 * @param ringSize ring length in bytes
 * @param flags header flags
 * @param head ring offset of the next write
 * @param tail ring offset of the oldest frame (or a wrap marker / short gap before it)
 * @param tailNext ring offset of the frame after the tail frame (0 when unknown)
 * @param oldestSeq oldest retained seq, 0 when empty
 * @param newestSeq newest seq ever written
 */
public record HeaderState(
    long fileSize,
    long indexCapacity,
    long ringOffset,
    long ringSize,
    long flags,
    long head,
    long tail,
    long tailNext,
    long oldestSeq,
    long newestSeq) {

  /**
   * The header of a new, empty pool.
   *
   * @param fileSize file length
   * @param indexCapacity index slots
   * @return the header
   * @throws PlasmiteException of kind Usage if the file is too small for the index and a ring
   */
  public static HeaderState fresh(long fileSize, long indexCapacity) {
    long ringOffset = HEADER_BYTES + indexCapacity * IndexDescriptor.SLOT_BYTES;
    if (indexCapacity < 0 || indexCapacity > 0xFFFF_FFFFL || fileSize <= ringOffset) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "pool size "
                  + fileSize
                  + " bytes leaves no ring after the header and "
                  + indexCapacity
                  + " index slots")
          .withHint("choose a size greater than " + ringOffset + " bytes or a smaller index");
    }
    return new HeaderState(
        fileSize, indexCapacity, ringOffset, fileSize - ringOffset, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Reads the header from a mapped file (pointer words with acquire semantics, newest first).
   *
   * @param file the whole-file segment
   * @return the snapshot, not yet checked
   */
  public static HeaderState read(MemorySegment file) {
    long newest = getAcquire(file, NEWEST_SEQ_OFFSET);
    long oldest = getAcquire(file, OLDEST_SEQ_OFFSET);
    long tailNext = getAcquire(file, TAIL_NEXT_OFFSET);
    long tail = getAcquire(file, TAIL_OFFSET);
    long head = getAcquire(file, HEAD_OFFSET);
    return new HeaderState(
        u64(file, FILE_SIZE_OFFSET),
        Integer.toUnsignedLong(u32(file, INDEX_CAPACITY_OFFSET)),
        u64(file, RING_OFFSET_OFFSET),
        u64(file, RING_SIZE_OFFSET),
        u64(file, FLAGS_OFFSET),
        head,
        tail,
        tailNext,
        oldest,
        newest);
  }

  /**
   * Writes the whole header of a new pool (magic, version, geometry, pointers).
   *
   * @param file the whole-file segment, zero-filled
   */
  public void writeNew(MemorySegment file) {
    putU32(file, MAGIC_OFFSET, MAGIC);
    putU32(file, VERSION_OFFSET, FORMAT_VERSION);
    file.set(java.lang.foreign.ValueLayout.JAVA_BYTE, ENDIANNESS_OFFSET, ENDIANNESS_LITTLE);
    putU64(file, FILE_SIZE_OFFSET, fileSize);
    putU64(file, INDEX_OFFSET_OFFSET, HEADER_BYTES);
    putU32(file, INDEX_CAPACITY_OFFSET, (int) indexCapacity);
    putU64(file, RING_OFFSET_OFFSET, ringOffset);
    putU64(file, RING_SIZE_OFFSET, ringSize);
    putU64(file, FLAGS_OFFSET, flags);
    publishPointers(file);
  }

  /**
   * Publishes the five pointer words (release stores) in an order whose every prefix, if the writer
   * dies between two stores, is either harmless or caught by {@link HeaderRepair}: the tail words
   * first ({@code oldest_seq} leading, readers' overwrite guard), then {@code newest_seq} — the
   * publication point for readers — and {@code head} last, so that a torn state shows the newest
   * frame sitting at {@code head}.
   *
   * @param file the whole-file segment
   */
  public void publishPointers(MemorySegment file) {
    publishTail(file);
    setRelease(file, NEWEST_SEQ_OFFSET, newestSeq);
    setRelease(file, HEAD_OFFSET, head);
  }

  /**
   * Publishes only {@code oldest_seq}, {@code tail} and {@code tail_next} (the drop step of an
   * append, before any dropped byte is overwritten).
   *
   * @param file the whole-file segment
   */
  public void publishTail(MemorySegment file) {
    publishTail(file, oldestSeq, tail, tailNext);
  }

  /**
   * Publishes the tail words, {@code oldest_seq} first (release stores).
   *
   * @param file the whole-file segment
   * @param oldestSeq the oldest seq
   * @param tail the tail offset
   * @param tailNext the tail_next offset
   */
  static void publishTail(MemorySegment file, long oldestSeq, long tail, long tailNext) {
    setRelease(file, OLDEST_SEQ_OFFSET, oldestSeq);
    setRelease(file, TAIL_OFFSET, tail);
    setRelease(file, TAIL_NEXT_OFFSET, tailNext);
  }

  /**
   * Whether the words could be a header the writer publishes: pointers 8-aligned inside the ring,
   * {@code oldest <= newest}, and an empty pool's pointers together.
   *
   * @return true if the open-time checks pass
   */
  public boolean plausible() {
    for (long off : new long[] {head, tail, tailNext}) {
      if (off < 0 || off >= ringSize || off % 8 != 0) {
        return false;
      }
    }
    if (oldestSeq == 0) {
      return head == tail && tailNext == tail;
    }
    return Long.compareUnsigned(oldestSeq, newestSeq) <= 0;
  }

  /**
   * Whether the pool holds no message.
   *
   * @return {@code oldestSeq == 0}
   */
  public boolean isEmpty() {
    return oldestSeq == 0;
  }

  /**
   * Bytes of the ring in use by retained frames (and wrap gaps among them).
   *
   * @return used bytes
   */
  public long usedBytes() {
    if (head == tail) {
      return oldestSeq == 0 ? 0 : ringSize;
    }
    return head > tail ? head - tail : ringSize - (tail - head);
  }

  /**
   * A copy with new pointers.
   *
   * @param head new head
   * @param tail new tail
   * @param tailNext new tail_next_off
   * @param oldestSeq new oldest seq
   * @param newestSeq new newest seq
   * @return the copy
   */
  public HeaderState withPointers(
      long head, long tail, long tailNext, long oldestSeq, long newestSeq) {
    return new HeaderState(
        fileSize,
        indexCapacity,
        ringOffset,
        ringSize,
        flags,
        head,
        tail,
        tailNext,
        oldestSeq,
        newestSeq);
  }
}
