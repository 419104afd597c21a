package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * A lock-free reader's position in the ring: the next seq it wants and where that frame should be.
 * {@link #poll()} returns the next message if it is already published.
 *
 * <p>When the expected frame is not where it should be (the ring moved under the reader), the
 * cursor locates it again: through the index slot when that validates, else by walking from the
 * tail ({@code tail_off}, never ring offset 0). When the wanted seq was overwritten, the cursor
 * records the gap ({@link #gapFrom()}..{@link #gapTo()}) and moves on to the oldest retained seq. A
 * gap of fewer than 64 bytes at the ring end is a wrap, not "fell behind".
 */
public final class Cursor {
  private static final int LOCATE_ATTEMPTS = 64;

  private final MemorySegment file;
  private final MemorySegment ring;
  private final long ringSize;
  private final long indexCapacity;
  private final Checkpoints checkpoints;
  private final RawMessage[] out = new RawMessage[1];
  private long nextSeq;
  private long position = -1;
  private long gapFrom;
  private long gapTo;

  /**
   * Creates a cursor.
   *
   * @param pool the open pool
   * @param nextSeq the first seq wanted (at least 1)
   */
  public Cursor(PoolFile pool, long nextSeq) {
    this.file = pool.file();
    this.ring = pool.ring();
    this.ringSize = ring.byteSize();
    this.indexCapacity = pool.geometry().indexCapacity();
    this.checkpoints = pool.checkpoints();
    this.nextSeq = Math.max(1, nextSeq);
  }

  /**
   * Reads one message by seq: through its index slot when that validates (no allocation beyond the
   * copy), else with a cursor walking from the tail.
   *
   * @param pool the open pool
   * @param seq the seq wanted
   * @return the message, or null if it is not retained
   */
  public static RawMessage get(PoolFile pool, long seq) {
    MemorySegment file = pool.file();
    long newest = PoolHeaderDescriptor.newestSeq(file);
    long oldest = PoolHeaderDescriptor.oldestSeq(file);
    if (seq < 1 || oldest == 0 || seq < oldest || seq > newest) {
      return null;
    }
    long capacity = pool.geometry().indexCapacity();
    if (capacity > 0) {
      long slot = IndexDescriptor.slotPosition(capacity, seq);
      long off = IndexDescriptor.ringOffset(file, slot);
      MemorySegment ring = pool.ring();
      if (IndexDescriptor.seq(file, slot) == seq
          && off >= 0
          && off % 8 == 0
          && ring.byteSize() - off >= HEADER_BYTES) {
        RawMessage[] out = new RawMessage[1];
        if (FrameReader.read(file, ring, off, seq, out) == FrameReader.OK) {
          return out[0];
        }
      }
    }
    RawMessage m = new Cursor(pool, seq).poll();
    return m != null && m.seq() == seq ? m : null;
  }

  /**
   * The seq the next {@link #poll()} looks for.
   *
   * @return the next seq
   */
  public long nextSeq() {
    return nextSeq;
  }

  /**
   * First seq of the last gap found, or 0; cleared by {@link #clearGap()}.
   *
   * @return the first lost seq
   */
  public long gapFrom() {
    return gapFrom;
  }

  /**
   * Last seq of the last gap found.
   *
   * @return the last lost seq
   */
  public long gapTo() {
    return gapTo;
  }

  /** Forgets the recorded gap. */
  public void clearGap() {
    gapFrom = 0;
    gapTo = 0;
  }

  /**
   * Returns the next message if it has been published, else null. A gap found on the way is
   * recorded before the message after it is returned.
   *
   * @return the message or null
   */
  public RawMessage poll() {
    for (int attempt = 0; attempt < LOCATE_ATTEMPTS; attempt++) {
      long newest = PoolHeaderDescriptor.newestSeq(file);
      if (Long.compareUnsigned(nextSeq, newest) > 0) {
        return null;
      }
      if (position < 0 && !locate(newest)) {
        continue;
      }
      if (position < 0) {
        return null; // everything up to newest was lost; the gap is recorded
      }
      long off = position;
      if (ringSize - off < HEADER_BYTES) {
        off = 0;
      }
      int result = FrameReader.read(file, ring, off, nextSeq, out);
      if (result == FrameReader.OK) {
        RawMessage m = out[0];
        long end = off + FrameDescriptor.frameBytes(m.payload().length);
        position = end == ringSize ? 0 : end;
        nextSeq++;
        return m;
      }
      if (result == FrameReader.WRAP && off != 0) {
        position = 0;
        continue;
      }
      position = -1;
    }
    return null;
  }

  /**
   * Finds the frame of {@code nextSeq}, or moves past seqs that are gone. Returns false when the
   * header changed under it and it should be tried again.
   */
  private boolean locate(long newest) {
    long oldest = PoolHeaderDescriptor.oldestSeq(file);
    long tail = PoolHeaderDescriptor.getAcquire(file, PoolHeaderDescriptor.TAIL_OFFSET);
    if (oldest != PoolHeaderDescriptor.oldestSeq(file)) {
      return false;
    }
    if (oldest == 0) {
      // Empty although newest >= nextSeq: all of nextSeq..newest was overwritten.
      recordGap(nextSeq, newest);
      nextSeq = newest + 1;
      return true;
    }
    if (Long.compareUnsigned(nextSeq, oldest) < 0) {
      recordGap(nextSeq, oldest - 1);
      nextSeq = oldest;
    }
    if (indexCapacity > 0) {
      long slot = IndexDescriptor.slotPosition(indexCapacity, nextSeq);
      long off = IndexDescriptor.ringOffset(file, slot);
      if (IndexDescriptor.seq(file, slot) == nextSeq
          && off >= 0
          && off % 8 == 0
          && ringSize - off >= HEADER_BYTES
          && FrameDescriptor.stateAcquire(ring, off) == FrameDescriptor.STATE_COMMITTED
          && FrameDescriptor.seq(ring, off) == nextSeq) {
        position = off;
        return true;
      }
    }
    long[] checkpoint = checkpoints.before(nextSeq);
    if (checkpoint != null
        && Long.compareUnsigned(checkpoint[0], oldest) >= 0
        && walkFromTail(checkpoint[1], checkpoint[0])) {
      return true;
    }
    if (walkFromTail(tail, oldest)) {
      return true;
    }
    return skipDamagedTail(tail, oldest);
  }

  /**
   * A writer that crashed while overwriting can leave the tail frame half-written (state Writing)
   * until the next append repairs the header. Its successor is intact and {@code tail_next_off}
   * says where it is: read on from there, counting the tail's seq as lost.
   */
  private boolean skipDamagedTail(long tail, long oldest) {
    long tailNext = PoolHeaderDescriptor.getAcquire(file, PoolHeaderDescriptor.TAIL_NEXT_OFFSET);
    if (tailNext <= 0
        || tailNext == tail
        || oldest != PoolHeaderDescriptor.oldestSeq(file)
        || FrameDescriptor.stateAcquire(ring, tail) == FrameDescriptor.STATE_COMMITTED) {
      return false;
    }
    if (nextSeq == oldest) {
      recordGap(oldest, oldest);
      nextSeq = oldest + 1;
    }
    return walkFromTail(tailNext, oldest + 1);
  }

  /**
   * Follows the frame chain from the tail, whose first frame carries {@code oldest}, or from frames
   * just before it: a writer publishes a drop's {@code oldest_seq} before its {@code tail_off}, and
   * while it is between the two stores — for as long as it is descheduled there, or for good if it
   * was killed there — the tail still names frames being dropped. Those are walked over: their
   * bytes are not overwritten before {@code tail_off} moves, and if they are by the time the walk
   * reads them, it fails and the caller retries; whatever is found, {@link FrameReader} re-checks.
   */
  private boolean walkFromTail(long tail, long oldest) {
    long off = tail;
    long expect = oldest;
    boolean dropping = true;
    long steps = ringSize / HEADER_BYTES + 2;
    for (long i = 0; i < steps; i++) {
      if (off < 0 || off >= ringSize || off % 8 != 0) {
        return false;
      }
      if (ringSize - off < HEADER_BYTES) {
        off = 0;
        continue;
      }
      int state = FrameDescriptor.stateAcquire(ring, off);
      if (FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC) {
        return false;
      }
      if (state == FrameDescriptor.STATE_WRAP) {
        if (off == 0) {
          return false;
        }
        off = 0;
        continue;
      }
      if (state != FrameDescriptor.STATE_COMMITTED) {
        return false;
      }
      long seq = FrameDescriptor.seq(ring, off);
      boolean dropped = dropping && Long.compareUnsigned(seq, expect) < 0;
      if (seq != expect && !dropped) {
        return false;
      }
      if (!dropped) {
        dropping = false;
        checkpoints.record(expect, off);
        if (expect == nextSeq) {
          position = off;
          return true;
        }
        expect++;
      }
      long len = FrameDescriptor.payloadBytes(ring, off);
      if (len < 0 || len > FrameDescriptor.maxPayloadBytes(ringSize)) {
        return false;
      }
      off += FrameDescriptor.frameBytes(len);
      if (off == ringSize) {
        off = 0;
      }
    }
    return false;
  }

  private void recordGap(long from, long to) {
    if (gapFrom == 0) {
      gapFrom = from;
    }
    gapTo = to;
  }
}
