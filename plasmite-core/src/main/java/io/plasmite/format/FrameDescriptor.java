package io.plasmite.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One frame in the ring ({@code pool-format-v3.md} §4): a 64-byte header, the Lite3 payload, the
 * commit marker, and zero padding to a multiple of 8.
 *
 * <pre>
 *  0      4      8      12     16            24            32     36     40     44        64
 *  +------+------+------+------+-------------+-------------+------+------+------+---------+
 *  | FRM1 |state |flags | hlen |     seq     | timestamp_ns| len  | ~len |crc32c|  zero   |
 *  +------+------+------+------+-------------+-------------+------+------+------+---------+
 *  | payload (len bytes) | "PLSMCMIT" | zero pad to a multiple of 8 |
 * </pre>
 *
 * <p>{@code state}: 0 Empty, 1 Writing, 2 Committed, 3 Wrap. A wrap marker is a lone header with
 * state Wrap and zero seq, timestamp and length. The state word is published with release semantics
 * and read with acquire semantics; offsets here are relative to the frame start.
 */
public final class FrameDescriptor {
  /** Frame header size; also the smallest gap that holds a wrap marker. */
  public static final int HEADER_BYTES = 64;

  /** Size of the commit marker after the payload. */
  public static final int COMMIT_MARKER_BYTES = 8;

  /** ASCII {@code FRM1} as a little-endian u32. */
  public static final int MAGIC = 0x314D5246;

  /** ASCII {@code PLSMCMIT} as a little-endian u64. */
  public static final long COMMIT_MARKER = 0x54494D434D534C50L;

  /** Largest payload the format allows, whatever the ring size. */
  public static final int PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;

  /** State: never written. */
  public static final int STATE_EMPTY = 0;

  /** State: being written; not readable. */
  public static final int STATE_WRITING = 1;

  /** State: complete and readable. */
  public static final int STATE_COMMITTED = 2;

  /** State: wrap marker; continue at ring offset 0. */
  public static final int STATE_WRAP = 3;

  /** Offset of the magic. */
  public static final int MAGIC_OFFSET = 0;

  /** Offset of the u32 state. */
  public static final int STATE_OFFSET = 4;

  /** Offset of the u32 flags. */
  public static final int FLAGS_OFFSET = 8;

  /** Offset of the u32 header length (64). */
  public static final int HEADER_LEN_OFFSET = 12;

  /** Offset of the u64 seq. */
  public static final int SEQ_OFFSET = 16;

  /** Offset of the u64 timestamp in Unix nanoseconds. */
  public static final int TIMESTAMP_OFFSET = 24;

  /** Offset of the u32 payload length. */
  public static final int LEN_OFFSET = 32;

  /** Offset of the u32 bitwise complement of the payload length. */
  public static final int LEN_COMPLEMENT_OFFSET = 36;

  /** Offset of the u32 CRC-32C of the payload (0 unless the pool's checksum flag is set). */
  public static final int CRC32C_OFFSET = 40;

  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle STATE =
      ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

  private FrameDescriptor() {}

  /**
   * Bytes a frame with {@code payloadBytes} of payload occupies in the ring.
   *
   * @param payloadBytes the payload length
   * @return {@code align8(64 + payloadBytes + 8)}
   */
  public static long frameBytes(long payloadBytes) {
    return (HEADER_BYTES + payloadBytes + COMMIT_MARKER_BYTES + 7) & ~7L;
  }

  /**
   * The largest payload a ring of {@code ringSize} bytes holds.
   *
   * @param ringSize ring size in bytes
   * @return {@code min(ringSize - 72, 256 MiB)}, at least 0
   */
  public static long maxPayloadBytes(long ringSize) {
    return Math.max(0, Math.min(ringSize - HEADER_BYTES - COMMIT_MARKER_BYTES, PAYLOAD_BYTES_MAX));
  }

  /**
   * The frame's magic.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return the raw u32
   */
  public static int magic(MemorySegment ring, long frame) {
    return ring.get(U32, frame + MAGIC_OFFSET);
  }

  /**
   * The frame's state with acquire semantics.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame (8-aligned)
   * @return the state word
   */
  public static int stateAcquire(MemorySegment ring, long frame) {
    return (int) STATE.getAcquire(ring, frame + STATE_OFFSET);
  }

  /**
   * Publishes the frame's state with release semantics.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame (8-aligned)
   * @param state the new state
   */
  public static void setStateRelease(MemorySegment ring, long frame, int state) {
    STATE.setRelease(ring, frame + STATE_OFFSET, state);
  }

  /**
   * The header length field.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return hlen
   */
  public static int headerLen(MemorySegment ring, long frame) {
    return ring.get(U32, frame + HEADER_LEN_OFFSET);
  }

  /**
   * The frame flags.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return flags
   */
  public static int flags(MemorySegment ring, long frame) {
    return ring.get(U32, frame + FLAGS_OFFSET);
  }

  /**
   * The frame's seq.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return seq
   */
  public static long seq(MemorySegment ring, long frame) {
    return ring.get(U64, frame + SEQ_OFFSET);
  }

  /**
   * The frame's timestamp.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return Unix nanoseconds
   */
  public static long timestampNs(MemorySegment ring, long frame) {
    return ring.get(U64, frame + TIMESTAMP_OFFSET);
  }

  /**
   * The payload length, or -1 if it disagrees with its stored complement (a torn write).
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return the unsigned length as a long, or -1
   */
  public static long payloadBytes(MemorySegment ring, long frame) {
    int len = ring.get(U32, frame + LEN_OFFSET);
    int complement = ring.get(U32, frame + LEN_COMPLEMENT_OFFSET);
    return (len ^ complement) == -1 ? Integer.toUnsignedLong(len) : -1;
  }

  /**
   * The stored CRC-32C.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @return the raw u32
   */
  public static int crc32c(MemorySegment ring, long frame) {
    return ring.get(U32, frame + CRC32C_OFFSET);
  }

  /**
   * Whether the commit marker follows a payload of {@code payloadBytes}.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @param payloadBytes the payload length
   * @return true if the 8 marker bytes are present
   */
  public static boolean hasCommitMarker(MemorySegment ring, long frame, long payloadBytes) {
    return ring.get(U64, frame + HEADER_BYTES + payloadBytes) == COMMIT_MARKER;
  }

  /**
   * Writes a complete header except the state word, which the caller publishes.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @param seq the seq (0 for a wrap marker)
   * @param timestampNs Unix nanoseconds (0 for a wrap marker)
   * @param payloadBytes the payload length (0 for a wrap marker)
   * @param crc32c the checksum or 0
   */
  public static void writeHeaderFields(
      MemorySegment ring, long frame, long seq, long timestampNs, int payloadBytes, int crc32c) {
    ring.set(U32, frame + MAGIC_OFFSET, MAGIC);
    ring.set(U32, frame + FLAGS_OFFSET, 0);
    ring.set(U32, frame + HEADER_LEN_OFFSET, HEADER_BYTES);
    ring.set(U64, frame + SEQ_OFFSET, seq);
    ring.set(U64, frame + TIMESTAMP_OFFSET, timestampNs);
    ring.set(U32, frame + LEN_OFFSET, payloadBytes);
    ring.set(U32, frame + LEN_COMPLEMENT_OFFSET, ~payloadBytes);
    ring.set(U32, frame + CRC32C_OFFSET, crc32c);
    ring.asSlice(frame + CRC32C_OFFSET + 4, HEADER_BYTES - CRC32C_OFFSET - 4).fill((byte) 0);
  }

  /**
   * Writes the commit marker after a payload of {@code payloadBytes}.
   *
   * @param ring the ring segment
   * @param frame ring offset of the frame
   * @param payloadBytes the payload length
   */
  public static void writeCommitMarker(MemorySegment ring, long frame, long payloadBytes) {
    ring.set(U64, frame + HEADER_BYTES + payloadBytes, COMMIT_MARKER);
  }
}
