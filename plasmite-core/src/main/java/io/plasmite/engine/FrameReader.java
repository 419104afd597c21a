package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Reads one frame without a lock and returns it only if it is exactly the message asked for, whole
 * and still retained ({@code pool-format-v3.md} §6).
 *
 * <p>Protocol: (1) load the state word with acquire; it must be Committed; (2) read magic, seq,
 * header length and the length/complement pair; the seq must be the one expected; (3) check the
 * frame fits the ring and the commit marker follows the payload; (4) copy the payload out; (5)
 * fence, then load {@code oldest_seq}: writers publish a drop there before they overwrite a byte of
 * the dropped frame, so if the seq is still retained now, nothing we copied was overwritten; (6)
 * re-load state, seq and length: they must be unchanged.
 */
final class FrameReader {
  /** Result code: the frame is the expected message and was returned. */
  static final int OK = 0;

  /** Result code: a wrap marker sits here; continue at ring offset 0. */
  static final int WRAP = 1;

  /** Result code: something else sits here (not yet written, overwritten, or another seq). */
  static final int MISMATCH = 2;

  private FrameReader() {}

  /**
   * Reads the frame at {@code off} if it carries {@code expectedSeq}.
   *
   * @param file the whole-file segment (for {@code oldest_seq})
   * @param ring the ring segment
   * @param off ring offset, 8-aligned, at least 64 bytes before the ring end
   * @param expectedSeq the seq wanted
   * @param out receives the message when the result is {@link #OK}
   * @return {@link #OK}, {@link #WRAP} or {@link #MISMATCH}
   */
  static int read(
      MemorySegment file, MemorySegment ring, long off, long expectedSeq, RawMessage[] out) {
    long ringSize = ring.byteSize();
    int state = FrameDescriptor.stateAcquire(ring, off);
    if (FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC
        || FrameDescriptor.headerLen(ring, off) != HEADER_BYTES) {
      return MISMATCH;
    }
    if (state == FrameDescriptor.STATE_WRAP) {
      return WRAP;
    }
    if (state != FrameDescriptor.STATE_COMMITTED) {
      return MISMATCH;
    }
    long seq = FrameDescriptor.seq(ring, off);
    if (seq != expectedSeq) {
      return MISMATCH;
    }
    long len = FrameDescriptor.payloadBytes(ring, off);
    if (len < 0
        || len > FrameDescriptor.maxPayloadBytes(ringSize)
        || off + FrameDescriptor.frameBytes(len) > ringSize
        || !FrameDescriptor.hasCommitMarker(ring, off, len)) {
      return MISMATCH;
    }
    long timestamp = FrameDescriptor.timestampNs(ring, off);
    byte[] payload = new byte[(int) len];
    MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, off + HEADER_BYTES, payload, 0, (int) len);
    VarHandle.acquireFence();
    long oldest = PoolHeaderDescriptor.u64(file, PoolHeaderDescriptor.OLDEST_SEQ_OFFSET);
    if (oldest == 0 || Long.compareUnsigned(oldest, seq) > 0) {
      return MISMATCH;
    }
    if (FrameDescriptor.stateAcquire(ring, off) != FrameDescriptor.STATE_COMMITTED
        || FrameDescriptor.seq(ring, off) != seq
        || FrameDescriptor.payloadBytes(ring, off) != len) {
      return MISMATCH;
    }
    out[0] = new RawMessage(seq, timestamp, payload);
    return OK;
  }
}
