package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.PlasmiteException;
import io.plasmite.ValidationReport;
import io.plasmite.ValidationReport.Issue;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.lite3.Lite3Validator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a whole pool and reports what is wrong, like the reference validator, without ever
 * modifying the file ({@code pls doctor}).
 *
 * <p>Checks: (1) the pointers are inside the ring and 8-aligned, {@code oldest_seq <= newest_seq},
 * and an empty pool's pointers are together; (2) from the tail, every frame is a committed frame or
 * a wrap (a gap under 64 bytes at the ring end is a wrap), seqs run dense from {@code oldest_seq}
 * to {@code newest_seq}, each frame fits the ring, carries its commit marker and a valid Lite3
 * envelope, and the chain ends at the head; (3) {@code tail_next_off} is the end of the tail frame
 * (0 when the tail is a wrap marker or the short end gap); (4) every index slot naming a retained
 * seq points at that seq's frame. The walk is bounded by the ring size.
 */
public final class PoolValidator {
  private PoolValidator() {}

  /**
   * What a walk found: the report, and the retained frames it walked as {seq, ring offset} pairs.
   *
   * @param report the issues
   * @param frames the frames walked, oldest first
   */
  record Walk(ValidationReport report, List<long[]> frames) {}

  /**
   * Validates a pool under its writer lock when it is open for writing (a stable picture), else
   * without.
   *
   * @param pool the pool
   * @return the report
   */
  public static ValidationReport validateLocked(PoolFile pool) {
    if (!pool.writable()) {
      return validate(pool);
    }
    pool.lock();
    try {
      return validate(pool);
    } finally {
      pool.unlock();
    }
  }

  /**
   * Validates an open pool. The caller should hold the writer lock for a stable picture; without
   * it, concurrent appends may be reported as issues.
   *
   * @param pool the pool
   * @return the report
   */
  public static ValidationReport validate(PoolFile pool) {
    return walk(pool, pool.header()).report();
  }

  /**
   * Validates the ring and index of a pool against a given header (the file's own, or one a repair
   * proposes).
   *
   * @param pool the pool
   * @param h the header to check the ring against
   * @return the report and the frames walked
   */
  static Walk walk(PoolFile pool, HeaderState h) {
    List<Issue> issues = new ArrayList<>();
    List<long[]> seen = new ArrayList<>();
    MemorySegment ring = pool.ring();
    long ringSize = h.ringSize();
    long ringPos = h.ringOffset();
    String[] names = {"head_off", "tail_off", "tail_next_off"};
    long[] pointers = {h.head(), h.tail(), h.tailNext()};
    for (int i = 0; i < pointers.length; i++) {
      long off = pointers[i];
      if (off < 0 || off >= ringSize || off % 8 != 0) {
        issues.add(
            new Issue(
                "header_pointer",
                names[i] + " " + off + " is outside the ring or misaligned",
                -1,
                PoolHeaderDescriptor.HEAD_OFFSET + 8L * i));
        return new Walk(new ValidationReport(pool.path(), 0, issues), seen);
      }
    }
    if (h.isEmpty()) {
      if (h.head() != h.tail() || h.tailNext() != h.tail()) {
        issues.add(
            new Issue(
                "header_empty",
                "empty pool with head, tail and tail_next apart",
                -1,
                PoolHeaderDescriptor.HEAD_OFFSET));
      }
      return new Walk(new ValidationReport(pool.path(), 0, issues), seen);
    }
    if (Long.compareUnsigned(h.oldestSeq(), h.newestSeq()) > 0) {
      issues.add(
          new Issue(
              "header_seqs",
              "oldest seq " + h.oldestSeq() + " above newest seq " + h.newestSeq(),
              -1,
              PoolHeaderDescriptor.OLDEST_SEQ_OFFSET));
      return new Walk(new ValidationReport(pool.path(), 0, issues), seen);
    }
    long off = h.tail();
    long expect = h.oldestSeq();
    long checked = 0;
    long steps = ringSize / HEADER_BYTES + 2;
    while (steps-- > 0) {
      if (ringSize - off < HEADER_BYTES) {
        off = 0;
        continue;
      }
      long at = ringPos + off;
      if (FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC) {
        issues.add(new Issue("frame_magic", "no frame at ring offset " + off, expect, at));
        break;
      }
      int state = FrameDescriptor.stateAcquire(ring, off);
      if (state == FrameDescriptor.STATE_WRAP) {
        if (off == 0) {
          issues.add(new Issue("wrap_at_start", "wrap marker at ring offset 0", expect, at));
          break;
        }
        off = 0;
        continue;
      }
      if (state != FrameDescriptor.STATE_COMMITTED) {
        issues.add(
            new Issue(
                "frame_state", "frame in state " + state + ", expected committed", expect, at));
        break;
      }
      long seq = FrameDescriptor.seq(ring, off);
      if (seq != expect) {
        issues.add(new Issue("seq_gap", "expected seq " + expect + ", found " + seq, expect, at));
        break;
      }
      long len = FrameDescriptor.payloadBytes(ring, off);
      if (len < 0 || len > FrameDescriptor.maxPayloadBytes(ringSize)) {
        issues.add(new Issue("frame_length", "torn or oversized payload length", seq, at));
        break;
      }
      long frameBytes = FrameDescriptor.frameBytes(len);
      if (off + frameBytes > ringSize) {
        issues.add(new Issue("frame_bounds", "frame runs past the ring end", seq, at));
        break;
      }
      if (!FrameDescriptor.hasCommitMarker(ring, off, len)) {
        issues.add(
            new Issue("commit_marker", "commit marker missing", seq, at + HEADER_BYTES + len));
        break;
      }
      byte[] payload = new byte[(int) len];
      MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, off + HEADER_BYTES, payload, 0, (int) len);
      try {
        Lite3Validator.validateEnvelope(payload);
      } catch (PlasmiteException e) {
        issues.add(
            new Issue("payload", e.getMessage(), seq, at + HEADER_BYTES + e.offset().orElse(0)));
      }
      seen.add(new long[] {seq, off});
      checked++;
      long next = off + frameBytes;
      if (next == ringSize) {
        next = 0;
      }
      if (seq == h.newestSeq()) {
        if (next != h.head()) {
          issues.add(
              new Issue(
                  "head_mismatch",
                  "chain ends at ring offset " + next + ", head is " + h.head(),
                  seq,
                  64));
        }
        break;
      }
      off = next;
      expect++;
    }
    if (steps < 0) {
      issues.add(new Issue("chain_loop", "frame chain does not reach the head", -1, ringPos));
    }
    long tailNext = HeaderRepair.expectedTailNext(ring, ringSize, h.tail());
    if (tailNext >= 0 && tailNext != h.tailNext()) {
      issues.add(
          new Issue(
              "tail_next",
              "tail_next_off is " + h.tailNext() + ", the tail frame ends at " + tailNext,
              h.oldestSeq(),
              PoolHeaderDescriptor.TAIL_NEXT_OFFSET));
    }
    long capacity = h.indexCapacity();
    if (capacity > 0) {
      for (long[] frame : seen) {
        long slot = IndexDescriptor.slotPosition(capacity, frame[0]);
        long slotSeq = IndexDescriptor.seq(pool.file(), slot);
        if (slotSeq == frame[0] && IndexDescriptor.ringOffset(pool.file(), slot) != frame[1]) {
          issues.add(
              new Issue(
                  "index_slot",
                  "index slot for seq "
                      + frame[0]
                      + " points at "
                      + IndexDescriptor.ringOffset(pool.file(), slot)
                      + ", the frame is at "
                      + frame[1],
                  frame[0],
                  slot));
        }
      }
    }
    return new Walk(new ValidationReport(pool.path(), checked, issues), seen);
  }
}
