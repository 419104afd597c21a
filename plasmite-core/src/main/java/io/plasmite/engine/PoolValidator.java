package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.PlasmiteException;
import io.plasmite.ValidationReport;
import io.plasmite.ValidationReport.Issue;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.lite3.Lite3Validator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a whole pool and reports what is wrong, like the reference validator, without ever
 * modifying the file ({@code pls doctor}).
 *
 * <p>Checks: (1) the pointers are inside the ring and 8-aligned; (2) from the tail, every frame is
 * a committed frame or a wrap (a gap under 64 bytes at the ring end is a wrap), seqs run dense from
 * {@code oldest_seq} to {@code newest_seq}, each frame fits the ring, carries its commit marker and
 * a valid Lite3 envelope, and the chain ends at the head; (3) every index slot naming a retained
 * seq points at that seq's frame. The walk is bounded by the ring size.
 */
public final class PoolValidator {
  private PoolValidator() {}

  /**
   * Validates an open pool. The caller should hold the writer lock for a stable picture; without
   * it, concurrent appends may be reported as issues.
   *
   * @param pool the pool
   * @return the report
   */
  public static ValidationReport validate(PoolFile pool) {
    List<Issue> issues = new ArrayList<>();
    HeaderState h = pool.header();
    MemorySegment ring = pool.ring();
    long ringSize = h.ringSize();
    long ringPos = h.ringOffset();
    for (long off : new long[] {h.head(), h.tail(), h.tailNext()}) {
      if (off < 0 || off >= ringSize || off % 8 != 0) {
        issues.add(new Issue("header_pointer", "ring pointer " + off + " invalid", -1, 64));
        return new ValidationReport(pool.path(), 0, issues);
      }
    }
    if (h.isEmpty()) {
      if (h.head() != h.tail()) {
        issues.add(new Issue("header_empty", "empty pool with head != tail", -1, 64));
      }
      return new ValidationReport(pool.path(), 0, issues);
    }
    long off = h.tail();
    long expect = h.oldestSeq();
    long checked = 0;
    long steps = ringSize / HEADER_BYTES + 2;
    List<long[]> seen = new ArrayList<>();
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
    return new ValidationReport(pool.path(), checked, issues);
  }
}
