package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.FrameDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Decides where the next frame goes and which old frames make room for it ({@code
 * pool-format-v3.md} §5 step 3), making the same decisions as the reference writer so that both
 * leave identical files.
 *
 * <p>A pure function: it reads the header snapshot and, to drop frames, the ring's frame headers;
 * it writes nothing. Steps: (1) check the payload fits the ring; (2) while free space is short, or
 * a wrap is needed while the tail sits in the way, drop the tail frame — through {@code
 * tail_next_off} when it is usable, else by parsing the tail frame; a wrap marker or a gap of less
 * than 64 bytes sends the tail to 0; (3) wrap the head to 0 when the frame does not fit before the
 * ring end (with a marker when at least 64 bytes remain); (4) compute the new pointers.
 */
public final class AppendPlanner {
  private AppendPlanner() {}

  /**
   * Plans one append.
   *
   * @param h the current header
   * @param ring the ring segment ({@code ringSize} bytes)
   * @param payloadBytes the payload length
   * @return the plan
   * @throws PlasmiteException Usage when the payload can never fit; Corrupt when the header or a
   *     frame to drop is damaged
   */
  public static AppendPlan plan(HeaderState h, MemorySegment ring, long payloadBytes) {
    long ringSize = h.ringSize();
    long maxPayload = FrameDescriptor.maxPayloadBytes(ringSize);
    if (payloadBytes > maxPayload) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "payload exceeds ring capacity: "
                  + payloadBytes
                  + " bytes, the ring holds at most "
                  + maxPayload)
          .withHint("create a larger pool or send a smaller message");
    }
    long frameBytes = FrameDescriptor.frameBytes(payloadBytes);
    if (frameBytes > ringSize) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "frame larger than ring: " + frameBytes + " bytes, the ring has " + ringSize)
          .withHint("create a larger pool or send a smaller message");
    }
    long head = h.head();
    long tail = h.tail();
    long oldest = h.oldestSeq();
    // An unusable tail_next only sends drops down the slow path; head and tail must be sound.
    if (!inRing(head, ringSize) || !inRing(tail, ringSize)) {
      throw corrupt(
          "ring pointers head "
              + head
              + ", tail "
              + tail
              + " must be 8-aligned and below the ring size "
              + ringSize);
    }
    long tailNext = oldest == 0 ? tail : h.tailNext();
    if (oldest == 0 && head != tail) {
      throw corrupt("empty pool with head " + head + " != tail " + tail);
    }

    int drops = 0;
    long dropBound = 2 * (ringSize / HEADER_BYTES) + 4;
    boolean wrapNeeded = ringSize - head < frameBytes;
    while (free(head, tail, ringSize, oldest) < required(oldest, head, frameBytes, ringSize)
        || (wrapNeeded && oldest != 0 && tail < frameBytes)) {
      if (oldest == 0) {
        throw PlasmiteException.of(ErrorKind.BUSY, "unable to make space in the ring");
      }
      if (++drops > dropBound) {
        throw corrupt("frames to drop never end: the ring's frame chain loops");
      }
      long fast = fastDrop(ringSize, head, tail, tailNext);
      if (fast >= 0) {
        tail = fast;
        oldest = fast == head ? 0 : oldest + 1;
      } else {
        long[] step = slowDrop(ring, ringSize, head, tail, oldest);
        tail = step[0];
        oldest = step[1];
      }
      tailNext = 0;
      if (tail == head) {
        oldest = 0;
        tailNext = tail;
      }
    }

    long afterDropsTail = tail;
    long afterDropsOldest = oldest;
    long afterDropsTailNext =
        oldest == 0 ? tail : tail == h.tail() ? h.tailNext() : nextAfter(ring, ringSize, tail);

    long wrapOffset = -1;
    if (ringSize - head < frameBytes) {
      if (ringSize - head >= HEADER_BYTES) {
        wrapOffset = head;
      }
      head = 0;
    }
    boolean intoEmpty = oldest == 0;
    if (intoEmpty) {
      tail = head;
    }
    long seq = h.newestSeq() + 1;
    if (intoEmpty) {
      oldest = seq;
    }
    long newHead = head + frameBytes;
    if (newHead == ringSize) {
      newHead = 0;
    }
    // Unless the pool was empty, the tail has not moved since the drops: its next is known.
    long newTailNext = intoEmpty ? newHead : afterDropsTailNext;
    HeaderState next = h.withPointers(newHead, tail, newTailNext, oldest, seq);
    return new AppendPlan(
        seq,
        head,
        frameBytes,
        wrapOffset,
        drops,
        h.head(),
        afterDropsTail,
        afterDropsTailNext,
        afterDropsOldest,
        next);
  }

  private static boolean inRing(long off, long ringSize) {
    return off >= 0 && off < ringSize && off % 8 == 0;
  }

  private static long free(long head, long tail, long ringSize, long oldest) {
    long used;
    if (head == tail) {
      used = oldest == 0 ? 0 : ringSize;
    } else {
      used = head > tail ? head - tail : ringSize - (tail - head);
    }
    return ringSize - used;
  }

  /** Space an append needs at {@code head}, counting the bytes a wrap skips. */
  private static long required(long oldest, long head, long frameBytes, long ringSize) {
    if (oldest == 0) {
      return frameBytes;
    }
    long remaining = ringSize - head;
    if (remaining >= frameBytes) {
      return frameBytes;
    }
    return remaining >= HEADER_BYTES ? frameBytes + HEADER_BYTES : frameBytes + remaining;
  }

  /**
   * Drops the tail frame through {@code tail_next_off}: the new tail, or -1 when that word cannot
   * be used. The oldest seq becomes 0 if the new tail reaches the head, else one more.
   */
  private static long fastDrop(long ringSize, long head, long tail, long tailNext) {
    if (tailNext == 0
        || tailNext >= ringSize
        || tailNext % 8 != 0
        || ringSize - tailNext < HEADER_BYTES) {
      return -1;
    }
    if (tailNext == tail) {
      // One frame fills the whole ring: dropping it empties the pool.
      return head == tail ? tail : -1;
    }
    if (tailNext < tail || tailNext - tail < HEADER_BYTES) {
      return -1;
    }
    return tailNext;
  }

  /** Drops what sits at the tail by reading it: a short gap, a wrap marker or a frame. */
  private static long[] slowDrop(
      MemorySegment ring, long ringSize, long head, long tail, long oldest) {
    if (ringSize - tail < HEADER_BYTES) {
      return new long[] {0, head == 0 ? 0 : oldest};
    }
    int state = checkedState(ring, ringSize, tail);
    if (state == FrameDescriptor.STATE_WRAP) {
      return new long[] {0, oldest};
    }
    long end = tail + FrameDescriptor.frameBytes(FrameDescriptor.payloadBytes(ring, tail));
    return new long[] {end == ringSize ? 0 : end, FrameDescriptor.seq(ring, tail) + 1};
  }

  /** The ring offset after what sits at {@code tail}: 0 after a gap or a wrap marker. */
  private static long nextAfter(MemorySegment ring, long ringSize, long tail) {
    if (ringSize - tail < HEADER_BYTES) {
      return 0;
    }
    if (checkedState(ring, ringSize, tail) == FrameDescriptor.STATE_WRAP) {
      return 0;
    }
    long end = tail + FrameDescriptor.frameBytes(FrameDescriptor.payloadBytes(ring, tail));
    return end == ringSize ? 0 : end;
  }

  /** The state of a wrap marker or committed frame at {@code off}; anything else is Corrupt. */
  private static int checkedState(MemorySegment ring, long ringSize, long off) {
    if (FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC) {
      throw corrupt("bad frame magic at ring offset " + off).withOffset(off);
    }
    int state = FrameDescriptor.stateAcquire(ring, off);
    if (FrameDescriptor.headerLen(ring, off) != HEADER_BYTES) {
      throw corrupt("frame header length is not 64 at ring offset " + off).withOffset(off);
    }
    long len = FrameDescriptor.payloadBytes(ring, off);
    if (len < 0 || len > FrameDescriptor.maxPayloadBytes(ringSize)) {
      throw corrupt("torn or oversized frame length at ring offset " + off).withOffset(off);
    }
    if (state == FrameDescriptor.STATE_WRAP) {
      return state;
    }
    if (state != FrameDescriptor.STATE_COMMITTED) {
      throw corrupt("tail frame in state " + state + " at ring offset " + off).withOffset(off);
    }
    if (off + FrameDescriptor.frameBytes(len) > ringSize) {
      throw corrupt("frame at ring offset " + off + " runs past the ring end").withOffset(off);
    }
    return state;
  }

  private static PlasmiteException corrupt(String message) {
    return PlasmiteException.of(ErrorKind.CORRUPT, message);
  }
}
