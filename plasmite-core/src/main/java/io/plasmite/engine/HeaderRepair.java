package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.FrameDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Checks, under the writer lock, that the header agrees with the ring, and mends the header a
 * writer killed between two header stores leaves behind.
 *
 * <p>The check is O(1) and runs before every append: (1) the header is plausible; (2) the tail's
 * first frame (after a short end gap or a wrap marker) is committed and carries {@code oldest_seq},
 * and {@code tail_next} is its end (0 when the tail is a short gap or a wrap marker); (3) the frame
 * at {@code head} is not the newest frame (it would be if {@code newest_seq} was published and
 * {@code head} not). When a check fails, the chain of committed frames ending at {@code newest_seq}
 * is found — from the tail, from {@code tail_next}, else by scanning the ring — and the header is
 * rebuilt from it: oldest seq, tail, {@code tail_next}, head after the newest frame. {@code
 * newest_seq} never changes: a frame the killed writer finished but did not publish stays
 * unpublished and is overwritten by the next append. This also mends the state a reference writer
 * leaves when killed after overwriting old frames but before moving its header's tail ({@code
 * pool-format-v3.md} §11 item 7).
 */
final class HeaderRepair {
  private HeaderRepair() {}

  static HeaderState checked(PoolFile pool, HeaderState h) {
    if (consistent(pool.ring(), h)) {
      return h;
    }
    HeaderState repaired = rebuild(pool, h);
    repaired.publishPointers(pool.file());
    return repaired;
  }

  static boolean consistent(MemorySegment ring, HeaderState h) {
    if (!h.plausible()) {
      return false;
    }
    if (h.isEmpty()) {
      return true;
    }
    long ringSize = h.ringSize();
    long first = skipWrap(ring, ringSize, h.tail());
    if (first < 0
        || !committed(ring, ringSize, first)
        || FrameDescriptor.seq(ring, first) != h.oldestSeq()) {
      return false;
    }
    // Exactly what the validator expects: a writer killed between the tail and tail_next stores
    // leaves the old word, which can be 0 (an old tail at a wrap marker or the ring's end).
    if (h.tailNext() != (first == h.tail() ? end(ring, ringSize, first) : 0)) {
      return false;
    }
    boolean wholeRing = h.head() == h.tail() && h.oldestSeq() == h.newestSeq();
    // Where the next frame would go (past a short gap or a wrap marker): it must not already
    // hold the newest frame. A stale marker can make this flag a sound header; the rebuild then
    // finds the same header again, at the cost of one walk.
    long next = skipWrap(ring, ringSize, h.head());
    return wholeRing
        || next < 0
        || !committed(ring, ringSize, next)
        || FrameDescriptor.seq(ring, next) != h.newestSeq();
  }

  private static HeaderState rebuild(PoolFile pool, HeaderState h) {
    HeaderState rebuilt = chainEndingAt(pool.ring(), h, h.newestSeq(), true);
    if (rebuilt == null) {
      throw PlasmiteException.of(
              ErrorKind.CORRUPT,
              "the header disagrees with the ring and no intact frame chain ends at the newest seq "
                  + h.newestSeq())
          .withPath(pool.path())
          .withOffset(h.ringOffset() + h.tail())
          .withHint("run `pls doctor --repair` on the pool");
    }
    return rebuilt;
  }

  /**
   * The header of the chain of committed frames ending at seq {@code cap}, found from the tail,
   * else (when {@code viaTailNext}) from {@code tail_next}, else by scanning the ring for the chain
   * with the smallest oldest seq not below the header's {@code oldest_seq} (when that is a usable
   * lower bound). The shortcut through {@code tail_next} suits a writer in a hurry; without it, no
   * intact message the header still claims is left out.
   *
   * @param ring the ring
   * @param h the header to mend (geometry and bounds)
   * @param cap the newest seq the chain must end at
   * @param viaTailNext whether to try the chain from {@code tail_next} before the scan
   * @return the mended header with {@code newest_seq == cap}, or null when no such chain exists
   */
  static HeaderState chainEndingAt(
      MemorySegment ring, HeaderState h, long cap, boolean viaTailNext) {
    long ringSize = h.ringSize();
    long lower =
        h.oldestSeq() > 0 && Long.compareUnsigned(h.oldestSeq(), cap) <= 0 ? h.oldestSeq() : 1;
    if (cap == 0) {
      long head = inRing(h.head(), ringSize) ? h.head() : 0;
      return h.withPointers(head, head, head, 0, 0);
    }
    long[] chain = walk(ring, ringSize, h.tail(), lower, cap);
    if (chain == null && viaTailNext && inRing(h.tailNext(), ringSize) && h.tailNext() != 0) {
      chain = walk(ring, ringSize, h.tailNext(), lower, cap);
    }
    if (chain == null) {
      chain = scan(ring, ringSize, lower, cap);
    }
    return chain == null ? null : h.withPointers(chain[3], chain[0], chain[4], chain[1], chain[2]);
  }

  /**
   * Looks at every 8-aligned ring offset for the committed frame with the smallest seq in {@code
   * [lower, cap]} whose chain reaches {@code cap}. Only after a crash, so O(ring) is acceptable.
   */
  private static long[] scan(MemorySegment ring, long ringSize, long lower, long cap) {
    long[] best = null;
    for (long off = 0; ringSize - off >= HEADER_BYTES; off += 8) {
      if (!committed(ring, ringSize, off)) {
        continue;
      }
      long seq = FrameDescriptor.seq(ring, off);
      if (Long.compareUnsigned(seq, lower) < 0
          || Long.compareUnsigned(seq, cap) > 0
          || (best != null && Long.compareUnsigned(seq, best[1]) >= 0)) {
        continue;
      }
      long[] chain = walk(ring, ringSize, off, lower, cap);
      if (chain != null) {
        best = chain;
      }
    }
    return best;
  }

  static boolean inRing(long off, long ringSize) {
    return off >= 0 && off < ringSize && off % 8 == 0;
  }

  /**
   * Walks committed frames with consecutive seqs from {@code from}, which must carry a seq in
   * {@code [lower, cap]}, up to seq {@code cap} (never past: a frame the killed writer finished but
   * did not publish is left out). Returns {start, oldest, newest, head, tailNext}, or null unless
   * the chain reaches {@code cap}.
   */
  private static long[] walk(MemorySegment ring, long ringSize, long from, long lower, long cap) {
    long first = skipWrap(ring, ringSize, from);
    if (first < 0 || !committed(ring, ringSize, first)) {
      return null;
    }
    long oldest = FrameDescriptor.seq(ring, first);
    if (Long.compareUnsigned(oldest, lower) < 0 || Long.compareUnsigned(oldest, cap) > 0) {
      return null;
    }
    long tailNext = end(ring, ringSize, first);
    long seq = oldest;
    long head = tailNext;
    for (long steps = ringSize / HEADER_BYTES + 2; steps > 0 && seq != cap; steps--) {
      long next = skipWrap(ring, ringSize, head);
      if (next < 0
          || next == first
          || !committed(ring, ringSize, next)
          || FrameDescriptor.seq(ring, next) != seq + 1) {
        break;
      }
      seq++;
      head = end(ring, ringSize, next);
    }
    return seq == cap ? new long[] {first, oldest, seq, head, tailNext} : null;
  }

  /** The frame position at {@code off}, past a short end gap or a wrap marker; -1 if invalid. */
  static long skipWrap(MemorySegment ring, long ringSize, long off) {
    if (off < 0 || off >= ringSize || off % 8 != 0) {
      return -1;
    }
    if (ringSize - off < HEADER_BYTES) {
      return 0;
    }
    if (FrameDescriptor.magic(ring, off) == FrameDescriptor.MAGIC
        && FrameDescriptor.stateAcquire(ring, off) == FrameDescriptor.STATE_WRAP) {
      return off == 0 ? -1 : 0;
    }
    return off;
  }

  /** Whether a committed frame with a sound length and its commit marker sits at {@code off}. */
  static boolean committed(MemorySegment ring, long ringSize, long off) {
    if (ringSize - off < HEADER_BYTES
        || FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC
        || FrameDescriptor.stateAcquire(ring, off) != FrameDescriptor.STATE_COMMITTED
        || FrameDescriptor.headerLen(ring, off) != HEADER_BYTES) {
      return false;
    }
    long len = FrameDescriptor.payloadBytes(ring, off);
    return len >= 0
        && len <= FrameDescriptor.maxPayloadBytes(ringSize)
        && off + FrameDescriptor.frameBytes(len) <= ringSize
        && FrameDescriptor.hasCommitMarker(ring, off, len);
  }

  /**
   * What {@code tail_next_off} must hold for a tail at {@code tail}: 0 after a short end gap or a
   * wrap marker, the end of a committed frame otherwise; -1 when the tail holds neither.
   *
   * @param ring the ring
   * @param ringSize its size
   * @param tail the tail offset, inside the ring and 8-aligned
   * @return the expected value, or -1
   */
  static long expectedTailNext(MemorySegment ring, long ringSize, long tail) {
    if (ringSize - tail < HEADER_BYTES) {
      return 0;
    }
    if (FrameDescriptor.magic(ring, tail) == FrameDescriptor.MAGIC
        && FrameDescriptor.stateAcquire(ring, tail) == FrameDescriptor.STATE_WRAP) {
      return 0;
    }
    return committed(ring, ringSize, tail) ? end(ring, ringSize, tail) : -1;
  }

  /** The ring offset after the frame at {@code off} (0 at the ring end). */
  static long end(MemorySegment ring, long ringSize, long off) {
    long end = off + FrameDescriptor.frameBytes(FrameDescriptor.payloadBytes(ring, off));
    return end == ringSize ? 0 : end;
  }
}
