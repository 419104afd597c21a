package io.plasmite.interop;

import static io.plasmite.interop.StrictPoolReader.FRAME_HEADER_BYTES;
import static io.plasmite.interop.StrictPoolReader.HEADER_BYTES;
import static io.plasmite.interop.StrictPoolReader.SLOT_BYTES;
import static io.plasmite.interop.StrictPoolReader.frameBytes;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An independent pool writer in test code, written from {@code pool-format-v3.md} (§2 header, §3
 * index, §4 frames and wraps, §5 the append decisions the reference writer makes): it lays a file
 * out byte by byte as the reference writer would, using none of the engine's format or engine
 * classes.
 *
 * <p>It writes into any little-endian {@link ByteBuffer} over the whole file: a heap buffer to
 * craft files, or a mapping of a live file, where it stores in the reference's order (wrap marker,
 * frame in state Writing, payload and commit marker, state Committed, index slot, header with
 * {@code newest_seq} last) with a release fence between the steps a reader depends on.
 */
final class SpecWriter {
  private static final int STATE_WRITING = 1;
  private static final int STATE_COMMITTED = 2;
  private static final int STATE_WRAP = 3;

  private final ByteBuffer file;
  private final long ringOffset;
  private final long ringSize;
  private final long capacity;

  private SpecWriter(ByteBuffer file) {
    this.file = file.order(ByteOrder.LITTLE_ENDIAN);
    this.capacity = Integer.toUnsignedLong(file.getInt(32));
    this.ringOffset = file.getLong(40);
    this.ringSize = file.getLong(48);
  }

  /**
   * Lays out a new, empty pool (§2) in a zero-filled buffer.
   *
   * @param file the whole file, zero-filled
   * @param indexCapacity index slots
   * @return a writer on it
   */
  static SpecWriter create(ByteBuffer file, long indexCapacity) {
    ByteBuffer b = file.order(ByteOrder.LITTLE_ENDIAN);
    long ringOffset = HEADER_BYTES + SLOT_BYTES * indexCapacity;
    b.put(0, StrictPoolReader.POOL_MAGIC);
    b.putInt(4, StrictPoolReader.VERSION);
    b.put(8, (byte) 1);
    b.putLong(16, b.capacity());
    b.putLong(24, HEADER_BYTES);
    b.putInt(32, (int) indexCapacity);
    b.putLong(40, ringOffset);
    b.putLong(48, b.capacity() - ringOffset);
    return new SpecWriter(b);
  }

  /**
   * A writer on an existing pool's bytes.
   *
   * @param file the whole file
   * @return the writer
   */
  static SpecWriter open(ByteBuffer file) {
    return new SpecWriter(file);
  }

  /**
   * The file's bytes.
   *
   * @return the array behind a heap buffer
   */
  byte[] bytes() {
    return file.array();
  }

  private long get(int field) {
    return file.getLong(field);
  }

  private int at(long ringPos) {
    return (int) (ringOffset + ringPos);
  }

  /**
   * Appends one message as the reference writer does.
   *
   * @param payload the Lite3 envelope
   * @param timestampNs its timestamp
   * @return the seq given to it
   */
  long append(byte[] payload, long timestampNs) {
    long frame = frameBytes(payload.length);
    if (payload.length > Math.min(ringSize - 72, StrictPoolReader.PAYLOAD_MAX)
        || frame > ringSize) {
      throw new IllegalArgumentException("payload exceeds ring capacity");
    }
    long head = get(64);
    long tail = get(72);
    long tailNextAtStart = get(80);
    long oldest = get(88);
    long newest = get(96);
    long tailAtStart = tail;
    long tailNext = oldest == 0 ? tail : tailNextAtStart;

    // §5 step 3: drop the oldest while the free space is short, or while a wrap is needed and
    // the tail sits where the new frame will go
    boolean wrapNeeded = ringSize - head < frame;
    while (free(head, tail, oldest) < required(head, frame, oldest)
        || (wrapNeeded && oldest != 0 && tail < frame)) {
      if (oldest == 0) {
        throw new IllegalStateException("no space can be made");
      }
      long[] dropped = dropByTailNext(head, tail, tailNext, oldest);
      if (dropped == null) {
        dropped = dropByReading(head, tail, oldest);
      }
      tail = dropped[0];
      oldest = dropped[1];
      tailNext = 0;
      if (tail == head) {
        oldest = 0;
        tailNext = tail;
      }
    }
    long wrapAt = -1;
    if (ringSize - head < frame) {
      if (ringSize - head >= FRAME_HEADER_BYTES) {
        wrapAt = head;
      }
      head = 0;
    }
    boolean intoEmpty = oldest == 0;
    if (intoEmpty) {
      tail = head;
    }
    long seq = newest + 1;
    if (intoEmpty) {
      oldest = seq;
    }
    long newHead = head + frame == ringSize ? 0 : head + frame;
    long newTailNext = intoEmpty ? newHead : tail == tailAtStart ? tailNextAtStart : endOf(tail);

    // §5 step 4, in the reference's order
    if (wrapAt >= 0) {
      writeFrameHeader(wrapAt, STATE_WRAP, 0, 0, 0);
    }
    writeFrameHeader(head, STATE_WRITING, seq, timestampNs, payload.length);
    file.put(at(head) + FRAME_HEADER_BYTES, payload);
    file.put(at(head) + FRAME_HEADER_BYTES + payload.length, StrictPoolReader.COMMIT_MARKER);
    VarHandle.releaseFence();
    file.putInt(at(head) + 4, STATE_COMMITTED);
    if (capacity > 0) {
      int slot = (int) (HEADER_BYTES + SLOT_BYTES * Long.remainderUnsigned(seq, capacity));
      file.putLong(slot, seq);
      file.putLong(slot + 8, head);
    }
    VarHandle.releaseFence();
    file.putLong(64, newHead);
    file.putLong(72, tail);
    file.putLong(80, newTailNext);
    file.putLong(88, oldest);
    VarHandle.releaseFence();
    file.putLong(96, seq);
    return seq;
  }

  private void writeFrameHeader(long pos, int state, long seq, long timestampNs, int len) {
    int a = at(pos);
    file.put(a, StrictPoolReader.FRAME_MAGIC);
    file.putInt(a + 4, state);
    file.putInt(a + 8, 0);
    file.putInt(a + 12, FRAME_HEADER_BYTES);
    file.putLong(a + 16, seq);
    file.putLong(a + 24, timestampNs);
    file.putInt(a + 32, len);
    file.putInt(a + 36, ~len);
    file.put(a + 40, new byte[FRAME_HEADER_BYTES - 40]);
  }

  private long free(long head, long tail, long oldest) {
    long used;
    if (head == tail) {
      used = oldest == 0 ? 0 : ringSize;
    } else {
      used = head > tail ? head - tail : ringSize - (tail - head);
    }
    return ringSize - used;
  }

  /** The space an append at {@code head} consumes, counting what a wrap skips. */
  private long required(long head, long frame, long oldest) {
    long remaining = ringSize - head;
    if (oldest == 0 || remaining >= frame) {
      return frame;
    }
    return remaining >= FRAME_HEADER_BYTES ? frame + FRAME_HEADER_BYTES : frame + remaining;
  }

  /** The drop through {@code tail_next_off}, or null when that word cannot be used. */
  private long[] dropByTailNext(long head, long tail, long tailNext, long oldest) {
    if (tailNext == 0
        || tailNext >= ringSize
        || tailNext % 8 != 0
        || ringSize - tailNext < FRAME_HEADER_BYTES) {
      return null;
    }
    if (tailNext == tail) {
      // one frame spans the whole ring
      return head == tail ? new long[] {tail, 0} : null;
    }
    if (tailNext < tail || tailNext - tail < FRAME_HEADER_BYTES) {
      return null;
    }
    return new long[] {tailNext, tailNext == head ? 0 : oldest + 1};
  }

  /** The drop of what sits at the tail, read from the ring: a short gap, a wrap or a frame. */
  private long[] dropByReading(long head, long tail, long oldest) {
    if (ringSize - tail < FRAME_HEADER_BYTES) {
      return new long[] {0, head == 0 ? 0 : oldest};
    }
    if (file.getInt(at(tail) + 4) == STATE_WRAP) {
      return new long[] {0, oldest};
    }
    return new long[] {endOf(tail), file.getLong(at(tail) + 16) + 1};
  }

  /** The ring offset after what sits at {@code pos}: 0 after a gap or a wrap marker. */
  private long endOf(long pos) {
    if (ringSize - pos < FRAME_HEADER_BYTES || file.getInt(at(pos) + 4) == STATE_WRAP) {
      return 0;
    }
    long end = pos + frameBytes(Integer.toUnsignedLong(file.getInt(at(pos) + 32)));
    return end == ringSize ? 0 : end;
  }
}
